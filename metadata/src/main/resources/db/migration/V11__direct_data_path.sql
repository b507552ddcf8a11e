-- Storage nodes' own public keys (P-256 JWK, JSON text), from the tracker's node.registered
-- events: storage receipts are verified with them.
ALTER TABLE nodes ADD COLUMN public_key TEXT;

-- Convergence domains: whose data holds a chunk. A chunk's id derives from its writer's own
-- convergence key, so identical content of two writers never shares an id, and a placement
-- answers "stored" only for chunks of the caller's own domain.
CREATE TABLE chunk_domains (
    domain      TEXT         NOT NULL,
    chunk_id    TEXT         NOT NULL REFERENCES chunks (chunk_id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (domain, chunk_id)
);
CREATE INDEX chunk_domains_chunk ON chunk_domains (chunk_id);

-- Chunks stored so far belong to the writers of the versions that reference them.
INSERT INTO chunk_domains (domain, chunk_id)
SELECT DISTINCT v.created_by, vc.chunk_id FROM version_chunks vc
JOIN versions v ON v.entry_id = vc.entry_id AND v.version = vc.version
ON CONFLICT DO NOTHING;

-- Upload sessions: a client moves the chunks itself and commits a manifest with the storage
-- nodes' receipts. The target path is sealed with the names key (associated data: the upload
-- id); key_id names the master key of that seal and of the writer's convergence key.
CREATE TABLE upload_sessions (
    upload_id           UUID         PRIMARY KEY,
    user_id             TEXT         NOT NULL,
    path_sealed         BYTEA        NOT NULL,
    key_id              TEXT         NOT NULL,
    entry_id            BIGINT,
    base_version        INT,
    create_only         BOOLEAN      NOT NULL,
    replication_factor  SMALLINT     NOT NULL CHECK (replication_factor BETWEEN 1 AND 5),
    write_quorum        SMALLINT     NOT NULL CHECK (write_quorum BETWEEN 1 AND 5),
    state               TEXT         NOT NULL CHECK (state IN ('OPEN', 'COMMITTED', 'ABORTED')),
    created_at          TIMESTAMPTZ  NOT NULL,
    expires_at          TIMESTAMPTZ  NOT NULL,
    ended_at            TIMESTAMPTZ,
    committed_version   INT
);
CREATE INDEX upload_sessions_open ON upload_sessions (expires_at) WHERE state = 'OPEN';

-- The new chunks a session was given targets for: the commit needs W receipts for each.
CREATE TABLE upload_chunks (
    upload_id    UUID  NOT NULL REFERENCES upload_sessions (upload_id) ON DELETE CASCADE,
    chunk_id     TEXT  NOT NULL CHECK (chunk_id ~ '^[0-9a-f]{64}$'),
    cipher_size  INT   NOT NULL CHECK (cipher_size > 0),
    PRIMARY KEY (upload_id, chunk_id)
);
