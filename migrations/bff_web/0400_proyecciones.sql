-- The BFF's read models, built only from integration events.
-- Companies and geographic data share one table; `campos` holds their
-- data fields as JSON (nombre, email, ... / nombre_propiedad, latitud, ...).
CREATE TABLE registros (
    tipo                TEXT   NOT NULL,
    id                  TEXT   NOT NULL,
    campos              TEXT   NOT NULL,
    estado              TEXT   NOT NULL,
    motivos_rechazo     TEXT   NOT NULL,
    fecha_creacion      BIGINT NOT NULL,
    fecha_actualizacion BIGINT NOT NULL,
    PRIMARY KEY (tipo, id)
);
CREATE INDEX registros_lista ON registros (tipo, estado, fecha_creacion);

CREATE TABLE auditorias (
    id           TEXT   PRIMARY KEY,
    tipo_entidad TEXT   NOT NULL,
    id_entidad   TEXT   NOT NULL,
    resultado    TEXT   NOT NULL,
    hallazgos    TEXT   NOT NULL,
    fecha        BIGINT NOT NULL
);
CREATE INDEX auditorias_entidad ON auditorias (id_entidad);
CREATE INDEX auditorias_lista ON auditorias (resultado, tipo_entidad, fecha);

CREATE TABLE hallazgos (
    id_auditoria TEXT NOT NULL,
    campo        TEXT NOT NULL,
    problema     TEXT NOT NULL,
    PRIMARY KEY (id_auditoria, campo, problema)
);

-- Commands the BFF accepted and what became of them.
CREATE TABLE comandos (
    id                  TEXT   PRIMARY KEY,
    tipo                TEXT   NOT NULL,
    id_entidad          TEXT   NOT NULL,
    estado              TEXT   NOT NULL,
    error               TEXT,
    fecha_creacion      BIGINT NOT NULL,
    fecha_actualizacion BIGINT NOT NULL
);
