-- Registered users: one user id per login (the token subject), ids unique.
CREATE TABLE users (
    user_id        TEXT         PRIMARY KEY,
    subject        TEXT         NOT NULL UNIQUE,
    login          TEXT         NOT NULL,
    registered_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- Storage nodes (peer agents). A node is known by its URL: registering the same URL again
-- returns the same node id.
CREATE TABLE nodes (
    node_id            UUID         PRIMARY KEY,
    url                TEXT         NOT NULL UNIQUE,
    zone               TEXT         NOT NULL,
    capacity_bytes     BIGINT       NOT NULL CHECK (capacity_bytes > 0),
    used_bytes         BIGINT       NOT NULL DEFAULT 0 CHECK (used_bytes >= 0),
    chunk_count        BIGINT       NOT NULL DEFAULT 0 CHECK (chunk_count >= 0),
    state              TEXT         NOT NULL CHECK (state IN ('UP', 'DOWN', 'DRAINING')),
    registered_by      TEXT         NOT NULL,
    registered_at      TIMESTAMPTZ  NOT NULL,
    last_heartbeat_at  TIMESTAMPTZ  NOT NULL,
    state_changed_at   TIMESTAMPTZ  NOT NULL
);

CREATE INDEX nodes_liveness ON nodes (state, last_heartbeat_at);
