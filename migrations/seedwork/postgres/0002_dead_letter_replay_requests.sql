-- `propalpes dlq replay` in the embedded mode runs in another process than
-- the subscribers: it records the request here, and a replayer in the
-- process holding the subscription claims the letter (so two replayers
-- never deliver it twice at once), delivers it and sets replayed_at.
ALTER TABLE dead_letters ADD COLUMN replay_requested_at BIGINT;
ALTER TABLE dead_letters ADD COLUMN replay_claimed_at BIGINT;
