-- A decision event marks the matching ACEPTADO commands of its record done:
-- found by record, not by scanning every command.
CREATE INDEX comandos_entidad ON comandos (id_entidad, tipo, estado);
