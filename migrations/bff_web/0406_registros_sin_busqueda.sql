-- `completar_busqueda` runs at every start: a partial index keeps it from
-- scanning the whole projection once every row has its search text.
CREATE INDEX registros_sin_busqueda ON registros (tipo) WHERE busqueda = '';
