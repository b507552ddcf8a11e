-- The audit log: one row per stored event, linked into a hash chain (docs/audit-consumer.md).
--
-- canonical is the event's canonical JSON, exactly the text that was hashed:
--   hash = SHA-256(prev_hash || UTF-8 bytes of canonical), prev_hash of seq 1 = 32 zero bytes.
-- Every other column except seq is derived from canonical by the consumer; verify derives them
-- again and names a row whose stored values differ, so no column can be edited unnoticed.
CREATE TABLE audit_event (
    seq          BIGINT       PRIMARY KEY,
    event_id     TEXT         NOT NULL,
    event_type   TEXT         NOT NULL,
    source       TEXT,
    subject      TEXT,
    event_time   TIMESTAMPTZ  NOT NULL,
    actor        TEXT,
    action       TEXT,
    resource     TEXT,
    path         TEXT,
    outcome      TEXT,
    search_text  TEXT         NOT NULL,
    canonical    TEXT         NOT NULL,
    prev_hash    BYTEA        NOT NULL,
    hash         BYTEA        NOT NULL,
    search       TSVECTOR     GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED,
    CONSTRAINT audit_event_seq_positive CHECK (seq > 0),
    CONSTRAINT audit_event_hash_length CHECK (octet_length(hash) = 32 AND octet_length(prev_hash) = 32)
);

-- Redelivered or replayed events never make a second row.
CREATE UNIQUE INDEX audit_event_event_id ON audit_event (event_id);

-- Search: newest first is seq descending; each filter has an index ending in seq for keyset paging.
CREATE INDEX audit_event_search ON audit_event USING GIN (search);
CREATE INDEX audit_event_actor_seq ON audit_event (actor, seq);
CREATE INDEX audit_event_action_seq ON audit_event (action, seq);
CREATE INDEX audit_event_path ON audit_event (path text_pattern_ops);
CREATE INDEX audit_event_time ON audit_event (event_time);
