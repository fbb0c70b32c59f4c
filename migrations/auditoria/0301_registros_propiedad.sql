-- The property-registration saga's log, in the style of `sagas`: the
-- columns the ticker and the listings filter on, and the whole state
-- (steps, verdicts, the command in flight) as JSON.
CREATE TABLE registros_propiedad (
    id                   TEXT    PRIMARY KEY,
    id_datos_geograficos TEXT    NOT NULL UNIQUE,
    estado               TEXT    NOT NULL,
    paso                 TEXT    NOT NULL,
    motivo               TEXT,
    intentos             INTEGER NOT NULL,
    proximo_intento      BIGINT,
    ultimo_error         TEXT,
    estado_json          TEXT    NOT NULL,
    fecha_creacion       BIGINT  NOT NULL,
    fecha_actualizacion  BIGINT  NOT NULL,
    version              BIGINT  NOT NULL
);
CREATE INDEX registros_propiedad_vencidos ON registros_propiedad (estado, proximo_intento);
CREATE INDEX registros_propiedad_lista ON registros_propiedad (estado, fecha_creacion);

-- The companies announced on eventos-companias, by identificacion: the
-- audit's own projection for the `nit desconocido` rule.
CREATE TABLE companias_conocidas (
    identificacion TEXT PRIMARY KEY
);
