-- Namespace: directories and files. Names are stored sealed (AES-256-GCM, key id recorded) and
-- found through name_hmac = HMAC(name-index key, parent id || name); no name is stored in clear.
CREATE TABLE entries (
    entry_id         BIGSERIAL    PRIMARY KEY,
    parent_id        BIGINT       REFERENCES entries (entry_id) ON DELETE CASCADE,
    name_hmac        BYTEA        NOT NULL,
    name_sealed      BYTEA        NOT NULL,
    key_id           TEXT         NOT NULL,
    kind             TEXT         NOT NULL CHECK (kind IN ('DIR', 'FILE')),
    owner_id         TEXT         NOT NULL,
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    current_version  INT,
    CONSTRAINT entries_unique_name UNIQUE (parent_id, name_hmac)
);
CREATE INDEX entries_parent ON entries (parent_id);

-- The root directory, the one entry without a parent.
INSERT INTO entries (entry_id, parent_id, name_hmac, name_sealed, key_id, kind, owner_id)
VALUES (1, NULL, '\x'::bytea, '\x'::bytea, 'none', 'DIR', 'system:root');
SELECT setval('entries_entry_id_seq', 1);

-- Chunks the system holds (ids are SHA-256 of ciphertext: nothing to hide) and their replicas.
CREATE TABLE chunks (
    chunk_id            TEXT         PRIMARY KEY CHECK (chunk_id ~ '^[0-9a-f]{64}$'),
    cipher_size         INT          NOT NULL CHECK (cipher_size > 0),
    replication_factor  SMALLINT     NOT NULL CHECK (replication_factor BETWEEN 1 AND 5),
    created_at          TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE TABLE replicas (
    chunk_id    TEXT         NOT NULL REFERENCES chunks (chunk_id) ON DELETE CASCADE,
    node_id     UUID         NOT NULL,
    state       TEXT         NOT NULL CHECK (state IN ('PENDING', 'CONFIRMED', 'BAD')),
    updated_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (chunk_id, node_id)
);
CREATE INDEX replicas_node ON replicas (node_id, state);

-- Immutable file versions. The manifest (ordered chunk ids, plaintext hashes, lengths and
-- chunk keys) is sealed; version_chunks keeps the references in clear for repair and GC.
CREATE TABLE versions (
    entry_id         BIGINT       NOT NULL REFERENCES entries (entry_id) ON DELETE CASCADE,
    version          INT          NOT NULL CHECK (version > 0),
    size             BIGINT       NOT NULL CHECK (size >= 0),
    content_sha256   BYTEA        NOT NULL,
    manifest_sealed  BYTEA        NOT NULL,
    key_id           TEXT         NOT NULL,
    chunk_count      INT          NOT NULL,
    created_by       TEXT         NOT NULL,
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (entry_id, version)
);

CREATE TABLE version_chunks (
    entry_id  BIGINT  NOT NULL,
    version   INT     NOT NULL,
    seq       INT     NOT NULL,
    chunk_id  TEXT    NOT NULL REFERENCES chunks (chunk_id),
    PRIMARY KEY (entry_id, version, seq),
    FOREIGN KEY (entry_id, version) REFERENCES versions (entry_id, version) ON DELETE CASCADE
);
CREATE INDEX version_chunks_chunk ON version_chunks (chunk_id);

-- Storage nodes as the tracker's p2pfs.nodes events describe them.
CREATE TABLE nodes (
    node_id         UUID         PRIMARY KEY,
    url             TEXT         NOT NULL,
    zone            TEXT         NOT NULL,
    capacity_bytes  BIGINT       NOT NULL,
    state           TEXT         NOT NULL,
    updated_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- Keys that sign chunk tokens: every replica signs with the newest, peers fetch all public
-- ones from /.well-known/jwks.json. Private keys are sealed under the master key.
CREATE TABLE signing_keys (
    kid             TEXT         PRIMARY KEY,
    public_der      BYTEA        NOT NULL,
    private_sealed  BYTEA        NOT NULL,
    key_id          TEXT         NOT NULL,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    retired_at      TIMESTAMPTZ
);
