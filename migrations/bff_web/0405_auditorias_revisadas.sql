-- An audit's latest verdict may be a person's: their reason and name.
ALTER TABLE auditorias ADD COLUMN motivo TEXT;
ALTER TABLE auditorias ADD COLUMN revisor TEXT;
