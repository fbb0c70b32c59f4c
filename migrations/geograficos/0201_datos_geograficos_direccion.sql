-- Schema v2 of CrearDatosGeograficos / DatosGeograficosCreados: optional
-- street address. Blank for records registered before, or by a v1 producer.
ALTER TABLE datos_geograficos ADD COLUMN direccion TEXT NOT NULL DEFAULT '';
