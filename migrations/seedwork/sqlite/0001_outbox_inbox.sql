-- Integration messages written in the same transaction as the aggregate;
-- the relay publishes them in `seq` order and stamps `sent_at`. `id` is the
-- envelope id and is not unique: a saga re-sends a command with its id so
-- the receiver's inbox recognises it.
CREATE TABLE outbox (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT    NOT NULL,
    topic          TEXT    NOT NULL CHECK (topic <> ''),
    message_key    TEXT    NOT NULL,
    message_type   TEXT    NOT NULL,
    schema_version INTEGER NOT NULL,
    properties     TEXT    NOT NULL,
    payload        BLOB    NOT NULL,
    created_at     BIGINT  NOT NULL,
    sent_at        BIGINT
);
CREATE INDEX outbox_pending ON outbox (sent_at, seq);

-- Messages this database's consumers have applied, keyed by envelope id.
CREATE TABLE inbox (
    consumer     TEXT   NOT NULL,
    message_id   TEXT   NOT NULL,
    processed_at BIGINT NOT NULL,
    PRIMARY KEY (consumer, message_id)
);

-- One relay instance at a time publishes this database's outbox.
CREATE TABLE outbox_lease (
    name       TEXT   PRIMARY KEY,
    holder     TEXT   NOT NULL,
    expires_at BIGINT NOT NULL
);
INSERT INTO outbox_lease (name, holder, expires_at) VALUES ('relay', '', 0);

-- Messages the embedded bus gave up on, with the reason.
CREATE TABLE dead_letters (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT    NOT NULL,
    topic        TEXT    NOT NULL,
    subscription TEXT    NOT NULL,
    message_key  TEXT    NOT NULL,
    message_type TEXT    NOT NULL,
    schema_version INTEGER NOT NULL,
    properties   TEXT    NOT NULL,
    payload      BLOB    NOT NULL,
    error        TEXT    NOT NULL,
    attempts     INTEGER NOT NULL,
    created_at   BIGINT  NOT NULL,
    replayed_at  BIGINT
);
