-- A replayed command the context it commands refused (its ComandoRechazado
-- answer seen on the bus): acknowledged, yet it will never apply, so a
-- replay reports it apart from the applied ones.
ALTER TABLE dead_letters ADD COLUMN refused_at BIGINT;
-- Every refusal published is looked up here: only letters asked to be
-- replayed are indexed, so the lookup costs nothing when none is.
CREATE INDEX dead_letters_replay_asked ON dead_letters (id) WHERE replay_requested_at IS NOT NULL;
