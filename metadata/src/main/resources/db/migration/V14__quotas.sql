-- Storage each user is charged for: the logical bytes (sum of version sizes) of every current
-- and retained version of the files the user owns. Commits add to used_bytes and everything
-- that removes versions subtracts, each in its own transaction with this row locked, so the
-- row is exact and admission against the limit never overshoots. limit_bytes is an
-- administrator's override of the configured default (NULL: the default applies; 0: no limit).
CREATE TABLE user_usage (
    user_id      TEXT         PRIMARY KEY,
    used_bytes   BIGINT       NOT NULL DEFAULT 0 CHECK (used_bytes >= 0),
    limit_bytes  BIGINT       CHECK (limit_bytes >= 0),
    updated_at   TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- What is stored already is charged to the owners of its files.
INSERT INTO user_usage (user_id, used_bytes)
SELECT e.owner_id, sum(v.size) FROM entries e JOIN versions v ON v.entry_id = e.entry_id
GROUP BY e.owner_id;

-- A user's files, versions and chunks (for the usage report) are found from the owner.
CREATE INDEX entries_owner ON entries (owner_id);
