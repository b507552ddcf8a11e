-- Leased locks on a path (and, for a directory, its subtree). The token is only ever stored as
-- its SHA-256. entry_path lists the entry ids from the root down to the locked entry
-- ('/1/7/42/'), so the locks below a directory are one prefix match away. A lock whose
-- expires_at has passed binds no one, whether or not the sweeper has deleted it yet.
CREATE TABLE locks (
    lock_id      BIGSERIAL    PRIMARY KEY,
    entry_id     BIGINT       NOT NULL REFERENCES entries (entry_id) ON DELETE CASCADE,
    entry_path   TEXT         NOT NULL,
    mode         TEXT         NOT NULL CHECK (mode IN ('EXCLUSIVE', 'SHARED')),
    owner_id     TEXT         NOT NULL,
    token_hash   BYTEA        NOT NULL UNIQUE,
    ttl_seconds  INT          NOT NULL CHECK (ttl_seconds BETWEEN 1 AND 3600),
    acquired_at  TIMESTAMPTZ  NOT NULL,
    expires_at   TIMESTAMPTZ  NOT NULL
);
CREATE INDEX locks_entry ON locks (entry_id);
CREATE INDEX locks_entry_path ON locks (entry_path text_pattern_ops);
CREATE INDEX locks_expires ON locks (expires_at);

-- A directory's own policy; each setting left NULL is inherited from the nearest ancestor
-- that sets it (and from the service's defaults at the root).
CREATE TABLE policies (
    entry_id            BIGINT       PRIMARY KEY REFERENCES entries (entry_id) ON DELETE CASCADE,
    conflict_strategy   TEXT         CHECK (conflict_strategy IN ('FAIL', 'LAST_WRITER_WINS', 'KEEP_BOTH')),
    replication_factor  SMALLINT     CHECK (replication_factor BETWEEN 1 AND 5),
    keep_versions       INT          CHECK (keep_versions >= 1),
    keep_days           INT          CHECK (keep_days >= 1),
    updated_by          TEXT         NOT NULL,
    updated_at          TIMESTAMPTZ  NOT NULL
);
