-- A replayed command the context it commands refused (its ComandoRechazado
-- answer seen on the bus): acknowledged, yet it will never apply, so a
-- replay reports it apart from the applied ones.
ALTER TABLE dead_letters ADD COLUMN refused_at BIGINT;
