-- When the projector last wrote the row (ms): the projection's own clock,
-- so the lag from a command to what the UI shows can be measured.
ALTER TABLE registros ADD COLUMN proyectado_en BIGINT NOT NULL DEFAULT 0;
