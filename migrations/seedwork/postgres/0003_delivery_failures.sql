-- Failed deliveries per consumer and message, counted where they survive a
-- crash: a message spends its redelivery budget only while this database
-- (the consumer's) answers, and a restart does not refill the budget.
CREATE TABLE delivery_failures (
    consumer     TEXT    NOT NULL,
    delivery_key TEXT    NOT NULL,
    attempts     INTEGER NOT NULL,
    last_error   TEXT    NOT NULL,
    updated_at   BIGINT  NOT NULL,
    PRIMARY KEY (consumer, delivery_key)
);
