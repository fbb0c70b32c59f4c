-- The reviewer's workbench: sorting by name and searching need the name and
-- the searchable text as columns (campos is JSON, read differently by SQLite
-- and Postgres). The projector fills them; rows projected before this
-- migration are filled at start (`completar_busqueda`).
ALTER TABLE registros ADD COLUMN nombre TEXT NOT NULL DEFAULT '';
ALTER TABLE registros ADD COLUMN busqueda TEXT NOT NULL DEFAULT '';
CREATE INDEX registros_por_fecha ON registros (tipo, fecha_creacion, id);
CREATE INDEX registros_por_nombre ON registros (tipo, nombre, id);

-- Every event the projection applied to a record, for its detail view.
CREATE TABLE historial (
    id_evento   TEXT   PRIMARY KEY,
    tipo        TEXT   NOT NULL,
    id_entidad  TEXT   NOT NULL,
    evento      TEXT   NOT NULL,
    detalle     TEXT   NOT NULL,
    fecha       BIGINT NOT NULL
);
CREATE INDEX historial_entidad ON historial (id_entidad, fecha);
