-- QUARANTINED: an admin took the node out of service; it holds its copies but nothing counts on
-- them, takes no chunks, and neither heartbeats nor registering again bring it back.
ALTER TABLE nodes DROP CONSTRAINT nodes_state_check;
ALTER TABLE nodes ADD CONSTRAINT nodes_state_check
    CHECK (state IN ('UP', 'DOWN', 'DRAINING', 'REMOVED', 'QUARANTINED'));
ALTER TABLE nodes ADD COLUMN quarantine_reason TEXT;
