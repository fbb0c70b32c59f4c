-- A registration saga's compensation (schema v3: RechazarDatosGeograficos
-- with eliminar) takes a record out of the listings; the row stays, its
-- history stays in the event stream.
ALTER TABLE datos_geograficos ADD COLUMN eliminado_en BIGINT;
