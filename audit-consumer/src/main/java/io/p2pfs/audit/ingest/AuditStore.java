package io.p2pfs.audit.ingest;

import io.p2pfs.audit.entry.AuditEntry;
import io.p2pfs.audit.log.LogIntegrityException;
import io.p2pfs.audit.log.TreeStore;
import io.p2pfs.common.audit.CompactRange;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Appends events to the log, each event at most once, and grows the Merkle tree with them.
 *
 * <p>Single writer: every append runs in one transaction that first takes the PostgreSQL
 * transaction-scoped advisory lock {@link #WRITER_LOCK}. Replicas therefore extend the log one
 * after another (the lock is released by commit or rollback, also when a replica dies), and the
 * tree state read inside the lock is the true one, so seq stays gap-free and each batch's tree
 * nodes extend the right edge the previous batch left. A batch is three statements whatever its
 * size: the events ({@code unnest} of column arrays), the completed tree nodes, the new sealed
 * state. Duplicates (redelivery, replay) are filtered inside the same lock; the unique index on
 * event_id is the backstop. Before appending, the state must carry this log's seal and no row
 * may lie beyond the tree (rows written past the service): otherwise nothing is appended.
 * Registrations ({@code user.registered}) also go to {@code audit_user} in the same transaction:
 * the search scope of a caller who is no auditor is the user id its subject registered.
 */
@ApplicationScoped
public class AuditStore {

    /** Advisory lock key: the log's single-writer token ("p2pfsaud"). */
    static final long WRITER_LOCK = 0x7032_7066_7361_7564L;
    private static final int LEGACY_PAGE = 10_000;

    private static final String INSERT = "INSERT INTO audit_event (seq, event_id, event_type, source, subject, "
            + "event_time, actor, action, resource, path, outcome, search_text, canonical, leaf_hash) "
            + "SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], "
            + "$7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::bytea[])";

    private final Pool pool;
    private final TreeStore tree;

    public AuditStore(Pool pool, TreeStore tree) {
        this.pool = pool;
        this.tree = tree;
    }

    /** What one append did. */
    public record Appended(int stored, int duplicates) {
    }

    /** Appends the entries in order, skipping any whose event id is already stored. */
    public Uni<Appended> append(List<AuditEntry> entries) {
        Map<String, AuditEntry> unique = new LinkedHashMap<>();
        entries.forEach(entry -> unique.putIfAbsent(entry.eventId(), entry));
        if (unique.isEmpty()) {
            return Uni.createFrom().item(new Appended(0, 0));
        }
        return pool.withTransaction(connection -> lock(connection)
                .flatMap(locked -> connection.preparedQuery("SELECT event_id FROM audit_event WHERE event_id = ANY($1)")
                        .execute(Tuple.of(unique.keySet().toArray(new String[0]))))
                .flatMap(existing -> {
                    Set<String> stored = new HashSet<>();
                    existing.forEach(row -> stored.add(row.getString(0)));
                    List<AuditEntry> fresh = unique.values().stream()
                            .filter(entry -> !stored.contains(entry.eventId())).toList();
                    int duplicates = entries.size() - fresh.size();
                    if (fresh.isEmpty()) {
                        return Uni.createFrom().item(new Appended(0, duplicates));
                    }
                    return currentTree(connection).flatMap(edge -> insert(connection, edge, fresh))
                            .replaceWith(new Appended(fresh.size(), duplicates));
                }));
    }

    /**
     * Folds the next page of rows that a migration brought over from the former hash chain into
     * the tree, in a transaction of its own (the state is sealed after each page, so a large log
     * folds in bounded memory and a restart continues where it stopped). False once all are in.
     */
    public Uni<Boolean> foldMigratedPage() {
        return pool.withTransaction(connection -> lock(connection).flatMap(locked -> tree.trustedState(connection))
                .flatMap(state -> {
                    if (!state.folding()) {
                        return Uni.createFrom().item(false);
                    }
                    return tree.edge(connection, state.treeSize()).flatMap(edge -> connection.preparedQuery(
                            "SELECT seq, leaf_hash FROM audit_event WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3")
                            .execute(Tuple.of(edge.size(), state.legacySize(), LEGACY_PAGE)).flatMap(rows -> {
                                List<TreeStore.NodeHash> nodes = new ArrayList<>();
                                for (Row row : rows) {
                                    if (row.getLong("seq") != edge.size() + 1) {
                                        throw new LogIntegrityException("migrated row seq " + (edge.size() + 1)
                                                + " is missing");
                                    }
                                    edge.append(row.getBuffer("leaf_hash").getBytes(),
                                            (node, hash) -> nodes.add(new TreeStore.NodeHash(node, hash)));
                                }
                                if (rows.size() == 0) {
                                    throw new LogIntegrityException("migrated row seq " + (edge.size() + 1)
                                            + " is missing");
                                }
                                return tree.insertNodes(connection, nodes).flatMap(done -> tree.saveState(connection, edge))
                                        .replaceWith(true);
                            }));
                }));
    }

    private static Uni<Void> lock(SqlConnection connection) {
        return connection.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(WRITER_LOCK))
                .replaceWithVoid();
    }

    /** The tree's right edge under the lock, after checking the state. */
    private Uni<CompactRange> currentTree(SqlConnection connection) {
        return tree.trustedState(connection).flatMap(state -> {
            if (state.folding()) {
                throw new IllegalStateException("rows migrated from the former hash chain are still being folded "
                        + "into the tree (" + state.treeSize() + " of " + state.legacySize() + ")");
            }
            return tree.edge(connection, state.treeSize());
        });
    }

    private Uni<Void> insert(SqlConnection connection, CompactRange edge, List<AuditEntry> fresh) {
        int n = fresh.size();
        Long[] seqs = new Long[n];
        String[] ids = new String[n];
        String[] types = new String[n];
        String[] sources = new String[n];
        String[] subjects = new String[n];
        OffsetDateTime[] times = new OffsetDateTime[n];
        String[] actors = new String[n];
        String[] actions = new String[n];
        String[] resources = new String[n];
        String[] paths = new String[n];
        String[] outcomes = new String[n];
        String[] searchTexts = new String[n];
        String[] canonicals = new String[n];
        io.vertx.core.buffer.Buffer[] leaves = new io.vertx.core.buffer.Buffer[n];
        List<TreeStore.NodeHash> nodes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            AuditEntry entry = fresh.get(i);
            seqs[i] = edge.size() + 1;
            ids[i] = entry.eventId();
            types[i] = entry.eventType();
            sources[i] = entry.source();
            subjects[i] = entry.subject();
            times[i] = entry.eventTime().atOffset(ZoneOffset.UTC);
            actors[i] = entry.actor();
            actions[i] = entry.action();
            resources[i] = entry.resource();
            paths[i] = entry.path();
            outcomes[i] = entry.outcome();
            searchTexts[i] = entry.searchText();
            canonicals[i] = entry.canonical();
            leaves[i] = io.vertx.core.buffer.Buffer.buffer(entry.leafHash());
            edge.append(entry.leafHash(), (node, hash) -> nodes.add(new TreeStore.NodeHash(node, hash)));
        }
        Tuple columns = Tuple.tuple().addArrayOfLong(seqs).addArrayOfString(ids).addArrayOfString(types)
                .addArrayOfString(sources).addArrayOfString(subjects).addArrayOfOffsetDateTime(times)
                .addArrayOfString(actors).addArrayOfString(actions).addArrayOfString(resources)
                .addArrayOfString(paths).addArrayOfString(outcomes).addArrayOfString(searchTexts)
                .addArrayOfString(canonicals).addValue(leaves);
        return connection.preparedQuery(INSERT).execute(columns)
                .flatMap(inserted -> tree.insertNodes(connection, nodes))
                .flatMap(stored -> tree.saveState(connection, edge))
                .flatMap(saved -> registrations(connection, fresh));
    }

    private static Uni<Void> registrations(SqlConnection connection, List<AuditEntry> fresh) {
        List<String[]> users = new ArrayList<>();
        for (AuditEntry entry : fresh) {
            if (!io.p2pfs.common.events.EventTypes.USER_REGISTERED.equals(entry.eventType())) {
                continue;
            }
            try {
                var details = io.p2pfs.common.audit.CanonicalJson.parse(entry.canonical()).path("data").path("details");
                String subject = details.path("subject").asText("");
                String userId = details.path("userId").asText("");
                if (!subject.isBlank() && !userId.isBlank()) {
                    users.add(new String[] {subject, userId, details.path("login").asText(null)});
                }
            } catch (java.io.IOException e) {
                // stored as it came; it names nobody
            }
        }
        if (users.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery("INSERT INTO audit_user (subject, user_id, login) "
                + "SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(users.stream().map(u -> u[0]).toArray(String[]::new),
                        users.stream().map(u -> u[1]).toArray(String[]::new),
                        users.stream().map(u -> u[2]).toArray(String[]::new)))
                .replaceWithVoid();
    }
}
