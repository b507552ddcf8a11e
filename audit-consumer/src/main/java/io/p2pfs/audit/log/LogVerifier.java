package io.p2pfs.audit.log;

import io.p2pfs.audit.entry.AuditEntry;
import io.p2pfs.common.audit.CompactRange;
import io.p2pfs.common.audit.Merkle;
import io.p2pfs.common.audit.TreeHead;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/**
 * Recomputes the whole log from the stored events: every derived column and leaf hash, the
 * tree, each stored interior node, and the root at the size of every signed head known (from
 * the database and from the heads directory), then the sealed state. Reads a page of rows at a
 * time on a worker thread (the next page is read while one is checked); the per-row work
 * (parsing, canonical form, hashing) runs in parallel.
 */
@ApplicationScoped
public class LogVerifier {

    static final int PAGE = 8000;
    private static final java.time.Duration TIMEOUT = java.time.Duration.ofSeconds(60);

    private static final String ROWS = "SELECT seq, event_id, event_type, source, subject, event_time, actor, action, "
            + "resource, path, outcome, search_text, canonical, leaf_hash FROM audit_event "
            + "WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3";
    /** The interior nodes completed while the leaf count goes from $1 to $2 (see Merkle.Node). */
    private static final String NODES = "SELECT n.level, n.idx, n.hash FROM generate_series(1, 62) AS l(level) "
            + "JOIN audit_tree_node n ON n.level = l.level AND n.idx >= ($1::bigint >> l.level) "
            + "AND n.idx < ($2::bigint >> l.level) WHERE ($2::bigint >> l.level) > 0";

    private final Pool pool;
    private final TreeStore tree;
    private final HeadFiles files;
    private final LogKeys keys;

    public LogVerifier(Pool pool, TreeStore tree, HeadFiles files, LogKeys keys) {
        this.pool = pool;
        this.tree = tree;
        this.files = files;
        this.keys = keys;
    }

    /** What one pass found so far. */
    private static final class Walk {
        final CompactRange tree = new CompactRange();
        final List<TreeHead> heads;
        final long treeSize;
        int nextHead;
        TreeHead verifiedHead;

        Walk(List<TreeHead> heads, long treeSize) {
            this.heads = heads;
            this.treeSize = treeSize;
        }
    }

    /**
     * Runs on a worker thread, a page at a time: the next page's rows are already being read
     * while this one is checked, and nothing but the compact tree outlives its page.
     */
    public Uni<VerifyResult> verify() {
        return Uni.createFrom().item(this::verifyNow).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private VerifyResult verifyNow() {
        // heads first, then the state: the state only grows, so every head read is within it unless cut
        List<TreeHead> heads = withFiledHeads(tree.heads(pool).await().atMost(TIMEOUT));
        TreeStore.State state = tree.state(pool).await().atMost(TIMEOUT);
        long treeSize = state.treeSize();
        for (TreeHead head : heads) {
            if (!keys.signedByUs(head)) {
                return VerifyResult.broken(0, treeSize, 0, null, "head-signature", "a head of size " + head.treeSize()
                        + " dated " + head.timestamp() + " is not signed by this log's keys");
            }
        }
        TreeHead largest = heads.isEmpty() ? null : heads.get(heads.size() - 1);
        if (largest != null && largest.treeSize() > treeSize) {
            return VerifyResult.broken(0, treeSize, 0, treeSize + 1, "truncated", "the log holds " + treeSize
                    + " entries but a head of " + largest.treeSize() + " was signed at " + largest.timestamp()
                    + ": entries were removed");
        }
        Walk walk = new Walk(heads, treeSize);
        CompletableFuture<Page> next = treeSize > 0 ? read(0, Math.min(treeSize, PAGE)) : null;
        while (next != null) {
            Page page = next.join();
            next = page.until() < treeSize ? read(page.until(), Math.min(treeSize, page.until() + PAGE)) : null;
            VerifyResult broken = check(walk, page);
            if (broken != null) {
                return broken;
            }
        }
        return finish(walk, state);
    }

    private record Page(long until, RowSet<Row> rows, RowSet<Row> nodes) {
    }

    private CompletableFuture<Page> read(long after, long until) {
        Uni<RowSet<Row>> rows = pool.preparedQuery(ROWS).execute(Tuple.of(after, until, PAGE));
        Uni<RowSet<Row>> nodes = pool.preparedQuery(NODES).execute(Tuple.of(after, until));
        return Uni.combine().all().unis(rows, nodes).asTuple()
                .map(both -> new Page(until, both.getItem1(), both.getItem2())).subscribeAsCompletionStage();
    }

    /** The heads in the database and in the heads directory, each once, smallest tree first. */
    private List<TreeHead> withFiledHeads(List<TreeHead> stored) {
        Set<TreeHead> unique = new LinkedHashSet<>(stored);
        unique.addAll(files.all());
        List<TreeHead> heads = new ArrayList<>(unique);
        heads.sort(Comparator.comparingLong(TreeHead::treeSize).thenComparing(TreeHead::timestamp));
        return heads;
    }

    /** Checks one page; null when it is intact. */
    private VerifyResult check(Walk walk, Page page) {
        List<Row> rows = new ArrayList<>(page.rows().size());
        page.rows().forEach(rows::add);
        String[] defects = new String[rows.size()];
        byte[][] leaves = new byte[rows.size()][];
        IntStream.range(0, rows.size()).parallel().forEach(i -> {
            Row row = rows.get(i);
            try {
                AuditEntry entry = AuditEntry.fromCanonical(row.getString("canonical"));
                leaves[i] = entry.leafHash();
                defects[i] = columnDefect(entry, row);
                if (defects[i] == null && !Arrays.equals(entry.leafHash(), row.getBuffer("leaf_hash").getBytes())) {
                    defects[i] = "leaf";
                }
            } catch (AuditEntry.Malformed e) {
                defects[i] = "canonical";
            }
        });
        Map<Merkle.Node, byte[]> stored = new HashMap<>();
        page.nodes().forEach(row -> stored.put(new Merkle.Node(row.getInteger(0), row.getLong(1)), row.getBuffer(2).getBytes()));
        for (int i = 0; i < rows.size(); i++) {
            long seq = rows.get(i).getLong("seq");
            if (seq != walk.tree.size() + 1) {
                return broken(walk, walk.tree.size() + 1, "missing", "seq " + (walk.tree.size() + 1)
                        + " is not in the log");
            }
            if (defects[i] != null) {
                return broken(walk, seq, defects[i], defects[i].equals("leaf")
                        ? "the event of seq " + seq + " no longer hashes to its stored leaf hash"
                        : "the stored event of seq " + seq + " does not match its indexed columns (" + defects[i] + ")");
            }
            Merkle.Node[] badNode = new Merkle.Node[1];
            walk.tree.append(leaves[i], (node, hash) -> {
                if (badNode[0] == null && !Arrays.equals(hash, stored.get(node))) {
                    badNode[0] = node;
                }
            });
            if (badNode[0] != null) {
                return broken(walk, badNode[0].from() + 1, "node", "stored tree node " + badNode[0].level() + "/"
                        + badNode[0].index() + " (entries " + (badNode[0].from() + 1) + ".." + badNode[0].to()
                        + ") differs from the one recomputed from the events");
            }
            String headProblem = checkHeads(walk);
            if (headProblem != null) {
                return broken(walk, null, "head", headProblem);
            }
        }
        if (walk.tree.size() < page.until()) {
            return broken(walk, walk.tree.size() + 1, "missing", "seq " + (walk.tree.size() + 1) + " is not in the log");
        }
        return null;
    }

    /** Compares the root with every head of the current size; a problem text, or null. */
    private static String checkHeads(Walk walk) {
        while (walk.nextHead < walk.heads.size() && walk.heads.get(walk.nextHead).treeSize() == walk.tree.size()) {
            TreeHead head = walk.heads.get(walk.nextHead++);
            if (!Arrays.equals(walk.tree.root(), head.root())) {
                return "the first " + head.treeSize() + " entries no longer hash to the root signed at "
                        + head.timestamp() + " (" + head.rootHash() + "): entries were altered, removed, inserted "
                        + "or reordered";
            }
            walk.verifiedHead = head;
        }
        return null;
    }

    private VerifyResult finish(Walk walk, TreeStore.State state) {
        // heads of size 0 (an empty log) are checked here
        String headProblem = checkHeads(walk);
        if (headProblem != null) {
            return broken(walk, null, "head", headProblem);
        }
        if (state.rowsBeyondTree()) {
            return broken(walk, state.covered() + 1, "out-of-band", "rows up to seq " + state.maxSeq()
                    + " exist but the tree covers " + state.covered() + ": they were written past the service");
        }
        if (!tree.sealed(state)) {
            return broken(walk, null, "state", "the stored tree state is not sealed by this log's key");
        }
        if (!Arrays.equals(state.root(), walk.tree.root())) {
            return broken(walk, null, "state", "the stored root differs from the root recomputed from the events");
        }
        return new VerifyResult(true, walk.tree.size(), walk.treeSize, Merkle.hex(walk.tree.root()),
                walk.nextHead, walk.verifiedHead, null, null, null);
    }

    private static VerifyResult broken(Walk walk, Long seq, String problem, String detail) {
        return VerifyResult.broken(walk.tree.size(), walk.treeSize, walk.nextHead, seq, problem, detail);
    }

    private static String columnDefect(AuditEntry entry, Row row) {
        Map<String, Object> storedColumns = Map.ofEntries(
                Map.entry("event_id", row.getString("event_id")), Map.entry("event_type", row.getString("event_type")),
                Map.entry("source", String.valueOf(row.getString("source"))),
                Map.entry("subject", String.valueOf(row.getString("subject"))),
                Map.entry("event_time", row.getOffsetDateTime("event_time").toInstant()),
                Map.entry("actor", String.valueOf(row.getString("actor"))), Map.entry("action", row.getString("action")),
                Map.entry("resource", String.valueOf(row.getString("resource"))),
                Map.entry("path", String.valueOf(row.getString("path"))),
                Map.entry("outcome", String.valueOf(row.getString("outcome"))),
                Map.entry("search_text", row.getString("search_text")));
        for (Map.Entry<String, Object> column : entry.columns().entrySet()) {
            Object value = column.getValue();
            Object storedValue = storedColumns.get(column.getKey());
            boolean same = value instanceof Instant instant && storedValue instanceof Instant other ? instant.equals(other)
                    : Objects.equals(value, storedValue);
            if (!same) {
                return "column:" + column.getKey();
            }
        }
        return null;
    }
}
