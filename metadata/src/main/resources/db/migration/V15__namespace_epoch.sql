-- Metadata replicas keep the directories on the way to a path, their ACLs and policies, in memory. The
-- counter below is what makes that exact: every change that could make a kept directory or ACL
-- wrong (a directory renamed, moved, deleted or given to another owner, a name re-indexed, any
-- ACL or directory policy written or removed) bumps it in the same transaction, and every path resolution reads it
-- first. A replica whose counter differs forgets everything it kept. Files are never kept, and
-- creating an entry changes nothing kept, so uploads and mkdir never bump it.
CREATE TABLE namespace_epoch (
    singleton  BOOLEAN  PRIMARY KEY DEFAULT true CHECK (singleton),
    epoch      BIGINT   NOT NULL
);
INSERT INTO namespace_epoch (singleton, epoch) VALUES (true, 1);

CREATE FUNCTION bump_namespace_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE namespace_epoch SET epoch = epoch + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER entries_directory_changed AFTER UPDATE ON entries FOR EACH ROW
    WHEN (OLD.kind = 'DIR' AND (OLD.parent_id IS DISTINCT FROM NEW.parent_id
        OR OLD.name_hmac IS DISTINCT FROM NEW.name_hmac OR OLD.kind IS DISTINCT FROM NEW.kind
        OR OLD.owner_id IS DISTINCT FROM NEW.owner_id))
    EXECUTE FUNCTION bump_namespace_epoch();

CREATE TRIGGER entries_directory_deleted AFTER DELETE ON entries FOR EACH ROW
    WHEN (OLD.kind = 'DIR')
    EXECUTE FUNCTION bump_namespace_epoch();

CREATE TRIGGER acls_changed AFTER INSERT OR UPDATE OR DELETE ON acls FOR EACH ROW
    EXECUTE FUNCTION bump_namespace_epoch();

CREATE TRIGGER policies_changed AFTER INSERT OR UPDATE OR DELETE ON policies FOR EACH ROW
    EXECUTE FUNCTION bump_namespace_epoch();
