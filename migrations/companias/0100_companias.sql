-- The Compania aggregate; it doubles as the read model of this context's queries.
CREATE TABLE companias (
    id                  TEXT    PRIMARY KEY,
    nombre              TEXT    NOT NULL,
    email               TEXT    NOT NULL,
    identificacion      TEXT    NOT NULL,
    estado              TEXT    NOT NULL,
    motivos_rechazo     TEXT    NOT NULL,
    fecha_creacion      BIGINT  NOT NULL,
    fecha_actualizacion BIGINT  NOT NULL,
    version             BIGINT  NOT NULL
);
CREATE INDEX companias_estado ON companias (estado, fecha_creacion);
CREATE INDEX companias_fecha ON companias (fecha_creacion);
