-- Schema v2 of CrearCompania / CompaniaCreada: optional country and phone.
-- Blank for companies registered before, or by a v1 producer.
ALTER TABLE companias ADD COLUMN pais TEXT NOT NULL DEFAULT '';
ALTER TABLE companias ADD COLUMN telefono TEXT NOT NULL DEFAULT '';
