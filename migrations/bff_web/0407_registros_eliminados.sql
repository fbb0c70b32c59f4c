-- A record a compensation took away. Its audit travels on another topic and
-- may arrive after the elimination: without this mark it would leave a
-- placeholder row with no fields behind.
CREATE TABLE registros_eliminados (
    tipo TEXT NOT NULL,
    id TEXT NOT NULL,
    eliminado_en BIGINT NOT NULL,
    PRIMARY KEY (tipo, id)
);
