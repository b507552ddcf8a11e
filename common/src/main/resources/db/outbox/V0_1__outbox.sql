-- The transactional outbox: a service inserts its events here in the same transaction as the
-- change they describe; the relay publishes them to Kafka and deletes them once acknowledged.
CREATE TABLE outbox (
    id          BIGSERIAL    PRIMARY KEY,
    event_id    UUID         NOT NULL UNIQUE,
    topic       TEXT         NOT NULL,
    record_key  TEXT,
    event_type  TEXT         NOT NULL,
    payload     TEXT         NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);
