-- Indexes that give the same plan whatever the statistics believe of a directory's size.
--
-- A name is found by its name_hmac, an HMAC keyed by the parent's id: by itself it already tells
-- one entry from every other. With the parent first in the unique index, a lookup by (parent, name)
-- and a listing of the parent both had indexes led by parent_id to choose from, and for a directory
-- created since the last ANALYZE the planner believed it had one child and took the smaller
-- parent_id index, reading every child to find one name (measured: 2,000 children read per stat).
-- Led by name_hmac, the unique index is the only one a name lookup can use (lookups compare the
-- parent so that no index on it applies; see FastStat and Namespace).
--
-- Listing pages go in creation order (parent_id, entry_id > cursor): an index in that order reads a
-- page and stops, where the single-column parent index read every child and sorted them.
ALTER TABLE entries DROP CONSTRAINT entries_unique_name,
    ADD CONSTRAINT entries_unique_name UNIQUE (name_hmac, parent_id);
DROP INDEX entries_parent;
CREATE INDEX entries_children ON entries (parent_id, entry_id);
