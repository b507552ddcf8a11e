-- Repair and drain: when a node went DOWN (the grace period counts from it), when repair gave its
-- replicas up for lost, when a draining node's chunks were queued, when a drained node was removed.
ALTER TABLE nodes ADD COLUMN down_since TIMESTAMPTZ;
ALTER TABLE nodes ADD COLUMN lost_at TIMESTAMPTZ;
ALTER TABLE nodes ADD COLUMN drain_queued_at TIMESTAMPTZ;
ALTER TABLE nodes ADD COLUMN removed_at TIMESTAMPTZ;
UPDATE nodes SET down_since = updated_at WHERE state = 'DOWN';

-- A replica being removed (surplus after a node came back, or a bad copy once the chunk is
-- whole again) counts for nothing and serves nothing; its row goes when the node confirms.
ALTER TABLE replicas DROP CONSTRAINT replicas_state_check;
ALTER TABLE replicas ADD CONSTRAINT replicas_state_check
    CHECK (state IN ('PENDING', 'CONFIRMED', 'BAD', 'DELETING'));
CREATE INDEX replicas_pending ON replicas (updated_at) WHERE state = 'PENDING';

-- Chunks to bring back to their replication factor (or down to it): one row per chunk, taken
-- fewest live replicas first. priority = live confirmed replicas when queued (lower = sooner).
CREATE TABLE repair_queue (
    chunk_id    TEXT         PRIMARY KEY REFERENCES chunks (chunk_id) ON DELETE CASCADE,
    reason      TEXT         NOT NULL,
    priority    INT          NOT NULL,
    queued_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    not_before  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    attempts    INT          NOT NULL DEFAULT 0
);
CREATE INDEX repair_queue_next ON repair_queue (priority, queued_at);
