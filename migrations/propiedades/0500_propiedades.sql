-- The Propiedad aggregate (a property's cadastral record); it doubles as
-- this context's read model. A saga's compensation sets eliminado_en: the
-- row leaves the listings and frees its cadastral id; its history stays in
-- the event stream.
CREATE TABLE propiedades (
    id                       TEXT    PRIMARY KEY,
    nombre                   TEXT    NOT NULL,
    identificacion_catastral TEXT    NOT NULL,
    nit                      TEXT    NOT NULL,
    estado                   TEXT    NOT NULL,
    motivos_rechazo          TEXT    NOT NULL,
    eliminado_en             BIGINT,
    fecha_creacion           BIGINT  NOT NULL,
    fecha_actualizacion      BIGINT  NOT NULL,
    version                  BIGINT  NOT NULL
);
CREATE INDEX propiedades_estado ON propiedades (estado, fecha_creacion);
CREATE INDEX propiedades_fecha ON propiedades (fecha_creacion);
-- One live property per cadastral id (the handler checks first and answers
-- CreacionPropiedadFallida; this keeps two concurrent creations honest).
CREATE UNIQUE INDEX propiedades_catastral ON propiedades (identificacion_catastral)
    WHERE identificacion_catastral <> '' AND eliminado_en IS NULL;
