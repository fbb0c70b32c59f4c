-- Finished sagas and registrations are business history and are kept; the
-- retry passes read only the live ones, so their indexes hold only those.
DROP INDEX sagas_pendientes;
CREATE INDEX sagas_pendientes ON sagas (proximo_intento) WHERE estado = 'pendiente';
DROP INDEX registros_propiedad_vencidos;
CREATE INDEX registros_propiedad_vencidos ON registros_propiedad (proximo_intento) WHERE estado = 'en_curso';
