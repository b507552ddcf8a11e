package io.p2pfs.metadata.files;

import io.p2pfs.metadata.acl.Acl;
import io.p2pfs.metadata.acl.AclService;
import io.p2pfs.metadata.namespace.Entry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One page of a directory's children in one statement, without the ORM: each child with the size
 * of its current version and its own ACL. A page is only read, so its entries need no session
 * (the ORM spent more on tracking a thousand of them than the database on finding them).
 */
@ApplicationScoped
public class DirectoryPages {

    private static final String SQL = "SELECT e.entry_id, e.name_sealed, e.key_id, e.kind, e.owner_id, e.created_at, "
            + "e.updated_at, e.current_version, v.size, a.inherit, CAST(a.grants AS text) "
            + "FROM entries e "
            + "LEFT JOIN versions v ON v.entry_id = e.entry_id AND v.version = e.current_version "
            + "LEFT JOIN acls a ON a.entry_id = e.entry_id "
            + "WHERE e.parent_id = $1 AND e.entry_id > $2 ORDER BY e.entry_id LIMIT $3";

    /**
     * Children in creation order; the current size of each file that has a version, and the
     * ACL of each child that has one of its own.
     */
    public record Page(List<Entry> children, Map<Long, Long> sizes, Map<Long, Acl> acls) {
    }

    private final Pool pool;
    private final AclService aclRows;

    public DirectoryPages(Pool pool, AclService aclRows) {
        this.pool = pool;
        this.aclRows = aclRows;
    }

    /** Up to {@code limit} children of {@code dirId} created after {@code afterId}. */
    public Uni<Page> page(long dirId, long afterId, int limit) {
        return pool.preparedQuery(SQL).execute(Tuple.of(dirId, afterId, limit)).map(rows -> {
            List<Entry> children = new ArrayList<>(rows.size());
            Map<Long, Long> sizes = new HashMap<>();
            Map<Long, Acl> acls = new HashMap<>();
            for (Row row : rows) {
                Entry child = new Entry();
                child.entryId = row.getLong(0);
                child.parentId = dirId;
                child.nameSealed = row.getBuffer(1).getBytes();
                child.keyId = row.getString(2);
                child.kind = row.getString(3);
                child.ownerId = row.getString(4);
                child.createdAt = row.getOffsetDateTime(5).toInstant();
                child.updatedAt = row.getOffsetDateTime(6).toInstant();
                child.currentVersion = row.getInteger(7);
                children.add(child);
                if (row.getLong(8) != null) {
                    sizes.put(child.entryId, row.getLong(8));
                }
                if (row.getBoolean(9) != null) {
                    acls.put(child.entryId, aclRows.read(row.getBoolean(9), row.getString(10)));
                }
            }
            return new Page(children, sizes, acls);
        });
    }
}
