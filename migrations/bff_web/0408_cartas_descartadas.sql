-- Dead letters an operator discarded from the web UI: who, why and when,
-- with what the letter carried, so a discard is never silent.
CREATE TABLE cartas_descartadas (
    topic TEXT NOT NULL,
    id TEXT NOT NULL,
    suscripcion TEXT NOT NULL,
    tipo TEXT NOT NULL,
    error TEXT NOT NULL,
    contenido TEXT NOT NULL,
    descartada_por TEXT NOT NULL,
    razon TEXT NOT NULL,
    fecha BIGINT NOT NULL,
    PRIMARY KEY (topic, id)
);
