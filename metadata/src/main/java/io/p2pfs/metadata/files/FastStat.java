package io.p2pfs.metadata.files;

import io.p2pfs.client.api.NamespaceApi;
import io.p2pfs.common.paths.FsPath;
import io.p2pfs.metadata.acl.AccessRules;
import io.p2pfs.metadata.acl.Acl;
import io.p2pfs.metadata.acl.AclService;
import io.p2pfs.metadata.acl.Permission;
import io.p2pfs.metadata.core.Caller;
import io.p2pfs.metadata.core.ETags;
import io.p2pfs.metadata.namespace.DirectoryCache;
import io.p2pfs.metadata.namespace.Entry;
import io.p2pfs.metadata.namespace.NameCodec;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A stat in one statement, without the ORM: when the directories on the way and their ACLs are
 * held by the {@link DirectoryCache}, the counter, the entry, its ACL and its current version are
 * read together (one snapshot), and the answer stands if the counter is still the one they were
 * kept under. Anything else (something not held, a counter moved on, a name that is missing, a
 * refusal, an administrator's override, which is audited) is left to the full path, which
 * answers it and refreshes what is held; so every refusal and every record is the full path's.
 * Several paths go to the database as one batch of these statements.
 */
@ApplicationScoped
public class FastStat {

    /**
     * The name is found by its HMAC alone (the unique index leads with it); the parent is compared
     * as {@code parent_id + 0} so that no index on the parent applies, whatever the planner believes
     * of the directory's size. With one name key (no rotation running) the statement has the same
     * plan for every name, so PostgreSQL keeps it prepared and plans it once per connection.
     */
    private static final String SQL = "SELECT n.epoch, e.entry_id, e.kind, e.owner_id, e.created_at, e.updated_at, "
            + "e.current_version, a.inherit, CAST(a.grants AS text), v.size, v.chunk_count, v.content_sha256 "
            + "FROM namespace_epoch n "
            + "LEFT JOIN entries e ON e.name_hmac %s AND e.parent_id + 0 = $1 "
            + "LEFT JOIN acls a ON a.entry_id = e.entry_id "
            + "LEFT JOIN versions v ON v.entry_id = e.entry_id AND v.version = e.current_version";
    static final String ONE_KEY = SQL.formatted("= $2");
    /** While a rotation runs a name has one lookup key under each known key. */
    static final String ANY_KEY = SQL.formatted("= ANY($2)");

    private final Pool pool;
    private final DirectoryCache directories;
    private final NameCodec names;
    private final AclService acls;
    private final io.micrometer.core.instrument.Counter answered;

    public FastStat(Pool pool, DirectoryCache directories, NameCodec names, AclService acls,
            io.micrometer.core.instrument.MeterRegistry metrics) {
        this.answered = metrics.counter("p2pfs_stat_fast_total");
        this.pool = pool;
        this.directories = directories;
        this.names = names;
        this.acls = acls;
    }

    /** What one path's statement needs: the directory holding its name, and the chain above it. */
    private record Plan(FsPath path, String sql, Tuple parameters, List<AccessRules.Node> chain) {
    }

    /** The answer, or empty when the full path must give it. */
    public Uni<Optional<NamespaceApi.Stat>> stat(FsPath path, Caller caller) {
        return statAll(List.of(path), caller).map(List::getFirst);
    }

    /**
     * The answers for several paths, in their order, each empty when the full path must give it;
     * the statements of all paths the cache can resolve go to the database as one batch (one
     * round trip), each judged against the same kept generation as a stat of its own.
     */
    public Uni<List<Optional<NamespaceApi.Stat>>> statAll(List<FsPath> paths, Caller caller) {
        DirectoryCache.Generation generation = directories.current();
        List<Optional<NamespaceApi.Stat>> answers = new ArrayList<>(paths.size());
        List<Plan> plans = new ArrayList<>(paths.size());
        for (FsPath path : paths) {
            answers.add(Optional.empty());
            plans.add(generation == null || caller.admin() ? null : plan(path, generation));
        }
        List<Plan> planned = plans.stream().filter(java.util.Objects::nonNull).toList();
        if (planned.isEmpty()) {
            return Uni.createFrom().item(answers);
        }
        List<Tuple> batch = planned.stream().map(Plan::parameters).toList();
        // Every plan has the same statement: the name keys are the service's for its whole life.
        return pool.preparedQuery(planned.getFirst().sql()).executeBatch(batch).map(first -> {
            io.vertx.mutiny.sqlclient.RowSet<Row> rows = first;
            for (int i = 0; i < plans.size(); i++) {
                Plan plan = plans.get(i);
                if (plan == null) {
                    continue;
                }
                Optional<NamespaceApi.Stat> answer = answer(rows, generation, plan.path(), caller, plan.chain());
                answer.ifPresent(stat -> answered.increment());
                answers.set(i, answer);
                rows = rows.next();
            }
            return answers;
        });
    }

    private Plan plan(FsPath path, DirectoryCache.Generation generation) {
        if (path.isRoot()) {
            return null;
        }
        List<String> segments = path.segments();
        List<AccessRules.Node> chain = new ArrayList<>(segments.size() + 1);
        Entry parent = generation.dir(0, "");
        for (int i = 0; parent != null; i++) {
            Acl acl = generation.kept(Acl.class, parent.entryId);
            if (acl == null) {
                return null;
            }
            chain.add(new AccessRules.Node(parent.entryId, parent.ownerId, acl));
            if (i == segments.size() - 1) {
                break;
            }
            parent = generation.dir(parent.entryId, segments.get(i));
        }
        if (parent == null) {
            return null;
        }
        long parentId = parent.entryId;
        io.vertx.core.buffer.Buffer[] indexes = names.indexes(parentId, path.name()).stream()
                .map(io.vertx.core.buffer.Buffer::buffer).toArray(io.vertx.core.buffer.Buffer[]::new);
        return indexes.length == 1 ? new Plan(path, ONE_KEY, Tuple.of(parentId, indexes[0]), chain)
                : new Plan(path, ANY_KEY, Tuple.of(parentId, indexes), chain);
    }

    private Optional<NamespaceApi.Stat> answer(io.vertx.mutiny.sqlclient.RowSet<Row> rows,
            DirectoryCache.Generation generation, FsPath path, Caller caller, List<AccessRules.Node> chain) {
        RowIterator<Row> it = rows.iterator();
        Row row = it.hasNext() ? it.next() : null;
        if (row == null || row.getLong(0) != generation.epoch() || row.getLong(1) == null) {
            return Optional.empty();
        }
        long entryId = row.getLong(1);
        String kind = row.getString(2);
        String owner = row.getString(3);
        Acl acl = row.getBoolean(7) == null ? Acl.NONE : acls.read(row.getBoolean(7), row.getString(8));
        chain.add(new AccessRules.Node(entryId, owner, acl));
        Set<Permission> held = AccessRules.held(chain, caller.id(), caller.principals());
        if (!held.contains(Permission.READ)) {
            return Optional.empty();
        }
        Instant created = row.getOffsetDateTime(4).toInstant();
        Instant updated = row.getOffsetDateTime(5).toInstant();
        if (Entry.DIR.equals(kind)) {
            return Optional.of(new NamespaceApi.Stat(path.toString(), "DIR", null, null, owner, created, updated,
                    null, null, null, null));
        }
        Integer version = row.getInteger(6);
        if (version == null || row.getLong(9) == null) {
            return Optional.empty();
        }
        byte[] sha = row.getBuffer(11).getBytes();
        return Optional.of(new NamespaceApi.Stat(path.toString(), "FILE", row.getLong(9), version, owner, created,
                updated, row.getInteger(10), held.contains(Permission.DOWNLOAD) ? HexFormat.of().formatHex(sha)
                        : null, ETags.of(entryId, version), null));
    }
}
