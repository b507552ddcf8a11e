-- REMOVED: a drained node the metadata service no longer counts on (it announced node.removed).
ALTER TABLE nodes DROP CONSTRAINT nodes_state_check;
ALTER TABLE nodes ADD CONSTRAINT nodes_state_check CHECK (state IN ('UP', 'DOWN', 'DRAINING', 'REMOVED'));
