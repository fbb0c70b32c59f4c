-- The DatosGeograficos aggregate; it doubles as this context's read model.
-- latitud/longitud stay text as received (v1 contract); the audit judges them.
CREATE TABLE datos_geograficos (
    id                  TEXT    PRIMARY KEY,
    nombre_propiedad    TEXT    NOT NULL,
    latitud             TEXT    NOT NULL,
    longitud            TEXT    NOT NULL,
    estado              TEXT    NOT NULL,
    motivos_rechazo     TEXT    NOT NULL,
    fecha_creacion      BIGINT  NOT NULL,
    fecha_actualizacion BIGINT  NOT NULL,
    version             BIGINT  NOT NULL
);
CREATE INDEX datos_geograficos_estado ON datos_geograficos (estado, fecha_creacion);
CREATE INDEX datos_geograficos_fecha ON datos_geograficos (fecha_creacion);
