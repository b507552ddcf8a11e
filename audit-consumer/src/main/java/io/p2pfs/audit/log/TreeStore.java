package io.p2pfs.audit.log;

import io.p2pfs.common.audit.CompactRange;
import io.p2pfs.common.audit.Merkle;
import io.p2pfs.common.audit.TreeHead;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tree as PostgreSQL holds it: leaf hashes on the event rows, complete interior nodes in
 * {@code audit_tree_node}, the sealed size and root in {@code audit_tree_state}, copies of the
 * signed heads in {@code audit_tree_head}. Any proof is computed from O(log n) stored nodes read
 * in one query.
 */
@ApplicationScoped
public class TreeStore {

    /**
     * The tree state as stored, read in one statement with the newest seq of the log; {@code mac}
     * is null only before the service first sealed it.
     */
    public record State(long treeSize, byte[] root, long legacySize, String keyId, byte[] mac, long maxSeq) {

        /** The entries the tree holds or will hold once the migrated ones are folded in. */
        public long covered() {
            return Math.max(treeSize, legacySize);
        }

        /** Whether rows lie beyond what the tree covers: written past the service. */
        public boolean rowsBeyondTree() {
            return maxSeq > covered();
        }

        /** Whether migrated rows are still being folded into the tree. */
        public boolean folding() {
            return treeSize < legacySize;
        }
    }

    /** A node to store. */
    public record NodeHash(Merkle.Node node, byte[] hash) {
    }

    private static final String NODES = "SELECT n.level, n.idx, n.hash FROM audit_tree_node n "
            + "JOIN unnest($1::int[], $2::bigint[]) AS w(level, idx) ON n.level = w.level AND n.idx = w.idx "
            + "UNION ALL SELECT 0, e.seq - 1, e.leaf_hash FROM audit_event e WHERE e.seq = ANY($3::bigint[])";
    private static final String HEAD_COLUMNS = "origin, tree_size, root_hash, signed_at, key_id, signature";

    private final LogKeys keys;

    public TreeStore(LogKeys keys) {
        this.keys = keys;
    }

    public Uni<State> state(SqlClient client) {
        return client.query("SELECT s.tree_size, s.root_hash, s.legacy_size, s.key_id, s.mac, "
                + "(SELECT coalesce(max(seq), 0) FROM audit_event) AS max_seq FROM audit_tree_state s WHERE s.id = 1")
                .execute().map(rows -> {
                    Row row = rows.iterator().next();
                    Buffer mac = row.getBuffer("mac");
                    return new State(row.getLong("tree_size"), row.getBuffer("root_hash").getBytes(),
                            row.getLong("legacy_size"), row.getString("key_id"), mac == null ? null : mac.getBytes(),
                            row.getLong("max_seq"));
                });
    }

    /** Whether this service sealed the state (or it is the unsealed empty state of a new or migrated log). */
    public boolean sealed(State state) {
        return state.mac() == null ? state.treeSize() == 0
                : keys.stateSealed(state.treeSize(), state.root(), state.mac());
    }

    /** The state, refused unless this service sealed it and no row lies beyond the tree. */
    public Uni<State> trustedState(SqlClient client) {
        return state(client).invoke(state -> {
            if (!sealed(state)) {
                throw new LogIntegrityException("the stored tree state (size " + state.treeSize()
                        + ") is not sealed by this log's key: it was written by someone else");
            }
            if (state.rowsBeyondTree()) {
                throw new LogIntegrityException("rows up to seq " + state.maxSeq() + " exist but the tree covers "
                        + state.covered() + ": rows were written past the service");
            }
        });
    }

    public Uni<Void> saveState(SqlClient client, CompactRange tree) {
        byte[] root = tree.root();
        return client.preparedQuery("UPDATE audit_tree_state SET tree_size = $1, root_hash = $2, key_id = $3, mac = $4, "
                + "updated_at = now() WHERE id = 1")
                .execute(Tuple.tuple().addLong(tree.size()).addBuffer(Buffer.buffer(root)).addString(keys.keyId())
                        .addBuffer(Buffer.buffer(keys.stateMac(tree.size(), root))))
                .replaceWithVoid();
    }

    /** The stored hashes of these nodes; a node that should exist and does not is an integrity failure. */
    public Uni<Map<Merkle.Node, byte[]>> nodes(SqlClient client, Collection<Merkle.Node> wanted) {
        Set<Merkle.Node> unique = new LinkedHashSet<>(wanted);
        if (unique.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<Integer> levels = new ArrayList<>();
        List<Long> indexes = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        for (Merkle.Node node : unique) {
            if (node.level() == 0) {
                seqs.add(node.index() + 1);
            } else {
                levels.add(node.level());
                indexes.add(node.index());
            }
        }
        return client.preparedQuery(NODES).execute(Tuple.tuple().addArrayOfInteger(levels.toArray(new Integer[0]))
                .addArrayOfLong(indexes.toArray(new Long[0])).addArrayOfLong(seqs.toArray(new Long[0]))).map(rows -> {
                    Map<Merkle.Node, byte[]> found = new HashMap<>();
                    for (Row row : rows) {
                        found.put(new Merkle.Node(row.getInteger(0), row.getLong(1)), row.getBuffer(2).getBytes());
                    }
                    for (Merkle.Node node : unique) {
                        if (!found.containsKey(node)) {
                            throw new LogIntegrityException("tree node " + node.level() + "/" + node.index()
                                    + " is missing from the stored tree");
                        }
                    }
                    return found;
                });
    }

    /** The right edge of the stored tree of {@code size} leaves. */
    public Uni<CompactRange> edge(SqlClient client, long size) {
        List<Merkle.Node> edge = CompactRange.edge(size);
        return nodes(client, edge).map(found -> CompactRange.of(size, edge.stream().map(found::get).toList()));
    }

    /** The hash of each range, in order (the hashes of a proof), from one read of their nodes. */
    public Uni<List<byte[]>> rangeHashes(SqlClient client, List<Merkle.Range> ranges) {
        List<List<Merkle.Node>> parts = ranges.stream().map(r -> Merkle.decompose(r.from(), r.to())).toList();
        return nodes(client, parts.stream().flatMap(List::stream).toList()).map(found -> {
            List<byte[]> hashes = new ArrayList<>(ranges.size());
            for (List<Merkle.Node> part : parts) {
                hashes.add(Merkle.fold(part.stream().map(found::get).toList()));
            }
            return hashes;
        });
    }

    /** The root of the stored tree at an earlier size. */
    public Uni<byte[]> rootAt(SqlClient client, long size) {
        if (size == 0) {
            return Uni.createFrom().item(Merkle.EMPTY_ROOT.clone());
        }
        return rangeHashes(client, List.of(new Merkle.Range(0, size))).map(hashes -> hashes.get(0));
    }

    public Uni<Void> insertNodes(SqlClient client, List<NodeHash> nodes) {
        if (nodes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Integer[] levels = new Integer[nodes.size()];
        Long[] indexes = new Long[nodes.size()];
        io.vertx.core.buffer.Buffer[] hashes = new io.vertx.core.buffer.Buffer[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            levels[i] = nodes.get(i).node().level();
            indexes[i] = nodes.get(i).node().index();
            hashes[i] = io.vertx.core.buffer.Buffer.buffer(nodes.get(i).hash());
        }
        return client.preparedQuery("INSERT INTO audit_tree_node (level, idx, hash) "
                + "SELECT * FROM unnest($1::int[], $2::bigint[], $3::bytea[])")
                .execute(Tuple.tuple().addArrayOfInteger(levels).addArrayOfLong(indexes).addValue(hashes)).replaceWithVoid();
    }

    public Uni<Void> insertHead(SqlClient client, TreeHead head) {
        return client.preparedQuery("INSERT INTO audit_tree_head (" + HEAD_COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6) "
                + "ON CONFLICT DO NOTHING")
                .execute(Tuple.tuple().addString(head.origin()).addLong(head.treeSize())
                        .addBuffer(Buffer.buffer(head.root())).addOffsetDateTime(head.timestamp().atOffset(ZoneOffset.UTC))
                        .addString(head.keyId()).addBuffer(Buffer.buffer(Base64.getDecoder().decode(head.signature()))))
                .replaceWithVoid();
    }

    public Uni<Optional<TreeHead>> latestHead(SqlClient client) {
        return client.query("SELECT " + HEAD_COLUMNS + " FROM audit_tree_head ORDER BY tree_size DESC, signed_at DESC "
                + "LIMIT 1").execute().map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.of(head(rows.iterator().next())));
    }

    /** The newest head of exactly this size, if one was signed. */
    public Uni<Optional<TreeHead>> headOfSize(SqlClient client, long size) {
        return client.preparedQuery("SELECT " + HEAD_COLUMNS + " FROM audit_tree_head WHERE tree_size = $1 "
                + "ORDER BY signed_at DESC LIMIT 1").execute(Tuple.of(size))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(head(rows.iterator().next())));
    }

    /** Every stored head, smallest tree first. */
    public Uni<List<TreeHead>> heads(SqlClient client) {
        return client.query("SELECT " + HEAD_COLUMNS + " FROM audit_tree_head ORDER BY tree_size, signed_at").execute()
                .map(rows -> {
                    List<TreeHead> heads = new ArrayList<>(rows.size());
                    rows.forEach(row -> heads.add(head(row)));
                    return heads;
                });
    }

    private static TreeHead head(Row row) {
        return new TreeHead(row.getString("origin"), row.getLong("tree_size"),
                Merkle.hex(row.getBuffer("root_hash").getBytes()), row.getOffsetDateTime("signed_at").toInstant(),
                row.getString("key_id"),
                Base64.getEncoder().encodeToString(row.getBuffer("signature").getBytes()));
    }
}
