-- `propalpes dlq replay` in the embedded mode runs in another process than
-- the subscribers: it records the request here, and the running process's
-- replayer delivers the letter and sets replayed_at.
ALTER TABLE dead_letters ADD COLUMN replay_requested_at BIGINT;
