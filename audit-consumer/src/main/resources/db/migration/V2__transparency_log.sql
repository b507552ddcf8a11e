-- The audit log becomes a Merkle tree (RFC 6962 hashing) with signed tree heads
-- (docs/audit-consumer.md). Runs as the schema owner; the service itself runs as ${app_role},
-- which may only read and append.

-- 1. The hash chain of V1 is checked once more before it is folded into the tree: a row edited
--    before this migration would otherwise be sealed into the tree as if it were genuine.
DO $$
DECLARE
    r RECORD;
    previous BYTEA := '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
    expected BIGINT := 1;
BEGIN
    FOR r IN SELECT seq, canonical, prev_hash, hash FROM audit_event ORDER BY seq LOOP
        IF r.seq <> expected THEN
            RAISE EXCEPTION 'audit hash chain broken before the tree migration: seq % is missing', expected;
        END IF;
        IF r.prev_hash <> previous OR r.hash <> sha256(r.prev_hash || convert_to(r.canonical, 'UTF8')) THEN
            RAISE EXCEPTION 'audit hash chain broken before the tree migration at seq %', r.seq;
        END IF;
        previous := r.hash;
        expected := expected + 1;
    END LOOP;
END
$$;

-- 2. Each row keeps its RFC 6962 leaf hash: SHA-256(0x00 || UTF-8 of canonical).
ALTER TABLE audit_event ADD COLUMN leaf_hash BYTEA;
UPDATE audit_event SET leaf_hash = sha256('\x00'::bytea || convert_to(canonical, 'UTF8'));
ALTER TABLE audit_event ALTER COLUMN leaf_hash SET NOT NULL;
ALTER TABLE audit_event DROP CONSTRAINT audit_event_hash_length;
ALTER TABLE audit_event DROP COLUMN prev_hash;
ALTER TABLE audit_event DROP COLUMN hash;
ALTER TABLE audit_event ADD CONSTRAINT audit_event_leaf_hash_length CHECK (octet_length(leaf_hash) = 32);

-- 3. The hashes of the tree's complete interior nodes: node (level, idx) covers leaves
--    [idx * 2^level, (idx + 1) * 2^level); level 0 is audit_event.leaf_hash (leaf i = seq i + 1).
CREATE TABLE audit_tree_node (
    level  SMALLINT  NOT NULL,
    idx    BIGINT    NOT NULL,
    hash   BYTEA     NOT NULL,
    PRIMARY KEY (level, idx),
    CONSTRAINT audit_tree_node_level CHECK (level BETWEEN 1 AND 62),
    CONSTRAINT audit_tree_node_hash_length CHECK (octet_length(hash) = 32)
);

-- 4. The tree's size and root as the writer left them, with a MAC under the log key (which the
--    database never holds), so a state not written by the service is recognised. legacy_size:
--    rows this migration brought over from the chain, which the service folds into the tree at
--    its next start.
CREATE TABLE audit_tree_state (
    id           SMALLINT     PRIMARY KEY CHECK (id = 1),
    tree_size    BIGINT       NOT NULL,
    root_hash    BYTEA        NOT NULL,
    legacy_size  BIGINT       NOT NULL,
    key_id       TEXT,
    mac          BYTEA,
    updated_at   TIMESTAMPTZ  NOT NULL DEFAULT now()
);
INSERT INTO audit_tree_state (id, tree_size, root_hash, legacy_size)
    SELECT 1, 0, sha256(''::bytea), count(*) FROM audit_event;

-- 5. Every signed tree head the service published (copies; the originals live outside).
CREATE TABLE audit_tree_head (
    tree_size  BIGINT       NOT NULL,
    root_hash  BYTEA        NOT NULL,
    signed_at  TIMESTAMPTZ  NOT NULL,
    origin     TEXT         NOT NULL,
    key_id     TEXT         NOT NULL,
    signature  BYTEA        NOT NULL,
    PRIMARY KEY (tree_size, signed_at)
);

-- 6. Append-only, for everyone including the owner: changing history takes disabling a trigger,
--    a deliberate act, and is then still caught against the signed heads.
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_tree_node_append_only BEFORE UPDATE OR DELETE ON audit_tree_node
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_tree_node_no_truncate BEFORE TRUNCATE ON audit_tree_node
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_tree_head_append_only BEFORE UPDATE OR DELETE ON audit_tree_head
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_tree_head_no_truncate BEFORE TRUNCATE ON audit_tree_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- 7. What the service's own role may do: read and append the log, move the tree state forward,
--    and use its outbox. Nothing else (no UPDATE, DELETE or TRUNCATE of log rows).
REVOKE ALL ON audit_event, audit_tree_node, audit_tree_state, audit_tree_head FROM PUBLIC;
GRANT SELECT, INSERT ON audit_event, audit_tree_node, audit_tree_head TO "${app_role}";
GRANT SELECT, UPDATE ON audit_tree_state TO "${app_role}";
GRANT SELECT, INSERT, UPDATE, DELETE ON outbox TO "${app_role}";
GRANT USAGE, SELECT ON SEQUENCE outbox_id_seq TO "${app_role}";
