-- The property registrations' progress, from eventos-registros: the last
-- state per property (an older event never overwrites a newer one: pasos
-- only grow).
CREATE TABLE registros_propiedad (
    id_propiedad         TEXT    PRIMARY KEY,
    id_datos_geograficos TEXT    NOT NULL,
    estado               TEXT    NOT NULL,
    paso                 TEXT    NOT NULL,
    motivo               TEXT,
    pasos                TEXT    NOT NULL,
    total_pasos          INTEGER NOT NULL,
    fecha                BIGINT  NOT NULL
);
