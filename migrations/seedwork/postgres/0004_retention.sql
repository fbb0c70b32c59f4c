-- Retention (see README "Retention"): sent outbox rows, inbox rows and
-- settled delivery failures are deleted in small batches once their window
-- has passed. The relay reads pending rows only, so its index covers only
-- them: a sent row leaves the index when it is marked.
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (seq) WHERE sent_at IS NULL;
-- The inbox is pruned by age (the dedupe window).
CREATE INDEX inbox_processed_at ON inbox (processed_at);
-- Replayed dead letters are pruned by when they were replayed.
CREATE INDEX dead_letters_replayed ON dead_letters (replayed_at) WHERE replayed_at IS NOT NULL;
-- What retention deleted from the outbox, per topic: on the embedded bus the
-- outbox is the event log `projections rebuild` replays, and a topic listed
-- here no longer holds its whole history.
CREATE TABLE outbox_pruned (
    topic          TEXT   PRIMARY KEY,
    rows_pruned    BIGINT NOT NULL,
    last_pruned_at BIGINT NOT NULL
);
