-- One audit per audited entity (the unique pair makes a re-delivered
-- created event start no second audit).
CREATE TABLE auditorias (
    id             TEXT   PRIMARY KEY,
    tipo_entidad   TEXT   NOT NULL,
    id_entidad     TEXT   NOT NULL,
    resultado      TEXT   NOT NULL,
    hallazgos      TEXT   NOT NULL,
    fecha_creacion BIGINT NOT NULL,
    UNIQUE (tipo_entidad, id_entidad)
);
CREATE INDEX auditorias_resultado ON auditorias (resultado, tipo_entidad, fecha_creacion);

-- The findings one row each, for the missing-data report.
CREATE TABLE hallazgos (
    id_auditoria TEXT NOT NULL,
    campo        TEXT NOT NULL,
    problema     TEXT NOT NULL,
    PRIMARY KEY (id_auditoria, campo, problema)
);

-- The saga log: where each audit's approve/reject conversation stands.
CREATE TABLE sagas (
    id              TEXT    PRIMARY KEY,
    tipo_entidad    TEXT    NOT NULL,
    id_entidad      TEXT    NOT NULL,
    estado          TEXT    NOT NULL,
    decision        TEXT    NOT NULL,
    motivos         TEXT    NOT NULL,
    id_comando      TEXT    NOT NULL,
    correlation_id  TEXT    NOT NULL,
    intentos        INTEGER NOT NULL,
    proximo_intento BIGINT  NOT NULL,
    ultimo_error    TEXT,
    fecha_creacion  BIGINT  NOT NULL,
    fecha_actualizacion BIGINT NOT NULL,
    version         BIGINT  NOT NULL,
    UNIQUE (tipo_entidad, id_entidad)
);
CREATE INDEX sagas_pendientes ON sagas (estado, proximo_intento);
