-- A registration's start, the key its list is paged by: unlike `fecha`
-- (its latest change) it never moves, so a row keeps its page while its
-- saga advances. Rows projected before it start at their last change.
ALTER TABLE registros_propiedad ADD COLUMN inicio BIGINT NOT NULL DEFAULT 0;
UPDATE registros_propiedad SET inicio = fecha;
CREATE INDEX registros_propiedad_por_inicio ON registros_propiedad (inicio, id_propiedad);
