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

-- Garbage collection: when a chunk was first seen referenced by no version and no open upload
-- (it is collected once that is older than the grace period), and when its deletion was decided
-- (its replicas are then being deleted; the row goes with the last of them).
ALTER TABLE chunks ADD COLUMN orphaned_at TIMESTAMPTZ;
ALTER TABLE chunks ADD COLUMN deleting_at TIMESTAMPTZ;
CREATE INDEX chunks_orphaned ON chunks (orphaned_at) WHERE orphaned_at IS NOT NULL;
CREATE INDEX chunks_deleting ON chunks (deleting_at) WHERE deleting_at IS NOT NULL;

-- The nodes an upload's new chunk was offered to (comma-separated ids): where an upload that was
-- never committed may have left it.
ALTER TABLE upload_chunks ADD COLUMN targets TEXT NOT NULL DEFAULT '';
CREATE INDEX upload_chunks_chunk ON upload_chunks (chunk_id);
