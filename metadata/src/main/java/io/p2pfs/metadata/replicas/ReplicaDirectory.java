package io.p2pfs.metadata.replicas;

import io.p2pfs.client.placement.Placement;
import io.p2pfs.common.chunks.ChunkEvents;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.outbox.Outbox;
import io.p2pfs.metadata.nodes.StorageNode;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Replica bookkeeping: which nodes hold which chunk, whose data (convergence domain) holds it,
 * the live nodes placement chooses from, bad replicas (queued for repair), and the placement and
 * delete requests sent to nodes. Every lookup takes a whole batch of chunks in one query. All
 * methods run in the caller's transaction.
 */
@ApplicationScoped
public class ReplicaDirectory {

    private final Outbox outbox;
    private final RepairQueue queue;

    public ReplicaDirectory(Outbox outbox, RepairQueue queue) {
        this.outbox = outbox;
        this.queue = queue;
    }

    /** A place a chunk can be read from. */
    public record Source(UUID nodeId, String url, boolean confirmed, boolean up) {
    }

    /** A chunk written in an upload: its ciphertext size and the nodes that hold it (by receipt). */
    public record Written(String chunkId, int cipherSize, List<UUID> nodes) {
    }

    public Uni<List<Placement.Candidate>> liveCandidates() {
        return StorageNode.<StorageNode>list("state", "UP").map(nodes -> nodes.stream()
                .map(n -> new Placement.Candidate(n.nodeId, n.url, n.zone, Math.max(1, n.capacityBytes)))
                .toList());
    }

    /**
     * For the chunks of {@code chunkIds} that {@code domain}'s data holds: how many confirmed
     * replicas on live nodes each has. Chunks of other domains are absent, whatever they hold, and
     * so are chunks being collected as garbage.
     */
    public Uni<Map<String, Long>> heldByDomain(Mutiny.Session session, String domain, Collection<String> chunkIds) {
        if (chunkIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return session.createNativeQuery("SELECT d.chunk_id, count(n.node_id) FROM chunk_domains d "
                + "JOIN chunks c ON c.chunk_id = d.chunk_id AND c.deleting_at IS NULL "
                + "LEFT JOIN replicas r ON r.chunk_id = d.chunk_id AND r.state = 'CONFIRMED' "
                + "LEFT JOIN nodes n ON n.node_id = r.node_id AND n.state = 'UP' "
                + "WHERE d.domain = :domain AND d.chunk_id = ANY(string_to_array(:ids, ',')) GROUP BY d.chunk_id",
                Object[].class)
                .setParameter("domain", domain).setParameter("ids", String.join(",", chunkIds)).getResultList()
                .map(rows -> {
                    Map<String, Long> held = new HashMap<>();
                    for (Object[] row : rows) {
                        held.put((String) row[0], ((Number) row[1]).longValue());
                    }
                    return held;
                });
    }

    /** The chunks among {@code chunkIds} of {@code domain}'s data that are being collected as garbage. */
    public Uni<List<String>> beingCollected(Mutiny.Session session, String domain, Collection<String> chunkIds) {
        if (chunkIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return session.createNativeQuery("SELECT d.chunk_id FROM chunk_domains d JOIN chunks c ON c.chunk_id = d.chunk_id "
                + "WHERE d.domain = :domain AND c.deleting_at IS NOT NULL AND d.chunk_id = ANY(string_to_array(:ids, ','))",
                String.class).setParameter("domain", domain).setParameter("ids", String.join(",", chunkIds))
                .getResultList();
    }

    /** The ciphertext sizes of the chunks among {@code chunkIds} that this system holds. */
    public Uni<Map<String, Integer>> cipherSizes(Mutiny.Session session, Collection<String> chunkIds) {
        if (chunkIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return session.createNativeQuery("SELECT chunk_id, cipher_size FROM chunks "
                + "WHERE chunk_id = ANY(string_to_array(:ids, ','))", Object[].class)
                .setParameter("ids", String.join(",", chunkIds)).getResultList()
                .map(rows -> rows.stream().collect(Collectors.toMap(r -> (String) r[0],
                        r -> ((Number) r[1]).intValue())));
    }

    /**
     * Records chunks written in an upload: the chunk rows, their domain, and a confirmed
     * replica on every node that gave a receipt (one statement each, for the whole batch).
     */
    public Uni<Void> recordWritten(Mutiny.Session session, String domain, List<Written> written,
            int replicationFactor) {
        if (written.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String ids = written.stream().map(Written::chunkId).collect(Collectors.joining(","));
        String sizes = written.stream().map(w -> Integer.toString(w.cipherSize())).collect(Collectors.joining(","));
        List<String> replicaChunks = new ArrayList<>();
        List<String> replicaNodes = new ArrayList<>();
        for (Written chunk : written) {
            for (UUID node : chunk.nodes()) {
                replicaChunks.add(chunk.chunkId());
                replicaNodes.add(node.toString());
            }
        }
        return session.createNativeQuery("INSERT INTO chunks (chunk_id, cipher_size, replication_factor) "
                + "SELECT id, CAST(size AS int), :r FROM unnest(string_to_array(:ids, ','), "
                + "string_to_array(:sizes, ',')) AS t(id, size) ON CONFLICT (chunk_id) DO NOTHING")
                .setParameter("ids", ids).setParameter("sizes", sizes).setParameter("r", (short) replicationFactor)
                .executeUpdate()
                .flatMap(n -> session.createNativeQuery("INSERT INTO chunk_domains (domain, chunk_id) "
                        + "SELECT :domain, id FROM unnest(string_to_array(:ids, ',')) AS t(id) ON CONFLICT DO NOTHING")
                        .setParameter("domain", domain).setParameter("ids", ids).executeUpdate())
                .flatMap(n -> session.createNativeQuery("INSERT INTO replicas (chunk_id, node_id, state, updated_at) "
                        + "SELECT c, CAST(n AS uuid), 'CONFIRMED', now() FROM unnest(string_to_array(:c, ','), "
                        + "string_to_array(:n, ',')) AS t(c, n) ON CONFLICT (chunk_id, node_id) "
                        + "DO UPDATE SET state = 'CONFIRMED', updated_at = now()")
                        .setParameter("c", String.join(",", replicaChunks))
                        .setParameter("n", String.join(",", replicaNodes)).executeUpdate())
                .replaceWithVoid();
    }

    /**
     * Locks the rows of the chunks a commit references ({@code FOR SHARE}, in id order) and
     * answers those that cannot be referenced: chunks being collected as garbage, and chunks the
     * commit reuses (not {@code fresh}) that are gone. The garbage collector decides a deletion
     * under {@code FOR UPDATE SKIP LOCKED} on the same rows and re-checks references in the same
     * statement, so a commit and a sweep never both win: whichever locks the row first decides.
     */
    public Uni<List<String>> holdForCommit(Mutiny.Session session, Collection<String> chunkIds, Set<String> fresh) {
        if (chunkIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return session.createNativeQuery("SELECT chunk_id, deleting_at IS NOT NULL FROM chunks "
                + "WHERE chunk_id = ANY(string_to_array(:ids, ',')) ORDER BY chunk_id FOR SHARE", Object[].class)
                .setParameter("ids", String.join(",", chunkIds)).getResultList()
                .map(rows -> {
                    Set<String> present = new java.util.HashSet<>();
                    List<String> refused = new ArrayList<>();
                    for (Object[] row : rows) {
                        present.add((String) row[0]);
                        if (Boolean.TRUE.equals(row[1])) {
                            refused.add((String) row[0]);
                        }
                    }
                    for (String id : chunkIds) {
                        if (!present.contains(id) && !fresh.contains(id)) {
                            refused.add(id);
                        }
                    }
                    return refused;
                });
    }

    /** Every usable replica of the chunk, best first (confirmed on live nodes), ties shuffled. */
    public Uni<List<Source>> sources(Mutiny.Session session, String chunkId) {
        return sources(session, List.of(chunkId)).map(all -> all.getOrDefault(chunkId, List.of()));
    }

    /** {@link #sources(Mutiny.Session, String)} for many chunks in one query. */
    public Uni<Map<String, List<Source>>> sources(Mutiny.Session session, Collection<String> chunkIds) {
        if (chunkIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return session.createNativeQuery("SELECT r.chunk_id, CAST(n.node_id AS text), n.url, r.state, n.state "
                + "FROM replicas r JOIN nodes n ON n.node_id = r.node_id "
                + "WHERE r.chunk_id = ANY(string_to_array(:ids, ',')) AND r.state IN ('CONFIRMED', 'PENDING')",
                Object[].class)
                .setParameter("ids", String.join(",", chunkIds)).getResultList()
                .map(rows -> {
                    Map<String, List<Source>> byChunk = new HashMap<>();
                    for (Object[] row : rows) {
                        byChunk.computeIfAbsent((String) row[0], id -> new ArrayList<>()).add(new Source(
                                UUID.fromString((String) row[1]), (String) row[2], "CONFIRMED".equals(row[3]),
                                // a draining node keeps serving reads until it is removed
                                "UP".equals(row[4]) || "DRAINING".equals(row[4])));
                    }
                    // Equally good replicas in random order: reads spread over them, and a bad
                    // replica cannot hide behind a good one that is always asked first.
                    for (List<Source> sources : byChunk.values()) {
                        Collections.shuffle(sources);
                        sources.sort((a, b) -> Integer.compare(rank(b), rank(a)));
                    }
                    return byChunk;
                });
    }

    private static int rank(Source s) {
        return (s.confirmed() ? 2 : 0) + (s.up() ? 1 : 0);
    }

    /** Whether {@code nodeId} is recorded as holding {@code chunkId} (pending or confirmed). */
    public Uni<Boolean> holds(Mutiny.Session session, String chunkId, UUID nodeId) {
        return session.createNativeQuery("SELECT count(*) FROM replicas WHERE chunk_id = :id AND node_id = :node "
                + "AND state IN ('CONFIRMED', 'PENDING')", Long.class).setParameter("id", chunkId).setParameter("node", nodeId)
                .getSingleResult().map(n -> n > 0);
    }

    /**
     * A peer's {@code chunk.stored}: counts only for a copy metadata asked that node for (a
     * PENDING replica; a CONFIRMED one stays so), or for garbage the node kept after its delete
     * was decided (so that the collector asks again). A confirmation nobody requested changes
     * nothing: a peer cannot make the service believe another node, or itself, holds a chunk
     * (which would make later uploads skip writing it). A removed node's count for nothing.
     */
    public Uni<Integer> confirmRequested(Mutiny.Session session, String chunkId, UUID nodeId) {
        return session.createNativeQuery("UPDATE replicas SET state = 'CONFIRMED', updated_at = now() "
                + "WHERE chunk_id = :id AND node_id = :node AND (state IN ('PENDING', 'CONFIRMED') "
                + "OR (state = 'DELETING' AND EXISTS (SELECT 1 FROM chunks WHERE chunk_id = :id "
                + "AND deleting_at IS NOT NULL))) "
                + "AND NOT EXISTS (SELECT 1 FROM nodes WHERE node_id = :node AND removed_at IS NOT NULL)")
                .setParameter("id", chunkId).setParameter("node", nodeId).executeUpdate();
    }

    /**
     * Records that {@code nodeId} holds {@code chunkId} durably, from the node's own signed
     * inventory (not from an unauthenticated event: see {@link #confirmRequested}); a surplus or bad copy being
     * deleted stays so (a late confirmation does not bring it back), but a copy of garbage that
     * the node kept (written after the delete was decided) is confirmed, so the collector asks
     * again. A removed node's confirmations count for nothing.
     */
    public Uni<Integer> confirm(Mutiny.Session session, String chunkId, UUID nodeId) {
        return session.createNativeQuery("INSERT INTO replicas (chunk_id, node_id, state, updated_at) "
                + "SELECT :id, :node, 'CONFIRMED', now() WHERE EXISTS (SELECT 1 FROM chunks WHERE chunk_id = :id) "
                + "AND NOT EXISTS (SELECT 1 FROM nodes WHERE node_id = :node AND removed_at IS NOT NULL) "
                + "ON CONFLICT (chunk_id, node_id) DO UPDATE SET state = 'CONFIRMED', updated_at = now() "
                + "WHERE replicas.state <> 'DELETING' "
                + "OR EXISTS (SELECT 1 FROM chunks WHERE chunk_id = :id AND deleting_at IS NOT NULL)")
                .setParameter("id", chunkId).setParameter("node", nodeId).executeUpdate();
    }

    /** The node no longer holds the chunk; a chunk being collected goes with its last copy. */
    public Uni<Void> deleted(Mutiny.Session session, String chunkId, UUID nodeId) {
        return session.createNativeQuery("DELETE FROM replicas WHERE chunk_id = :id AND node_id = :node")
                .setParameter("id", chunkId).setParameter("node", nodeId).executeUpdate()
                .flatMap(n -> session.createNativeQuery("DELETE FROM chunks c WHERE c.chunk_id = :id "
                        + "AND c.deleting_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM replicas r WHERE r.chunk_id = :id)")
                        .setParameter("id", chunkId).executeUpdate())
                .replaceWithVoid();
    }

    /**
     * Marks the replica on {@code badNode} BAD (it serves and counts for nothing from now on) and
     * queues the chunk for repair, which copies it from a good replica and then deletes the bad one.
     */
    public Uni<Void> markBad(Mutiny.Session session, String chunkId, UUID badNode, String reason) {
        return session.createNativeQuery("UPDATE replicas SET state = 'BAD', updated_at = now() "
                + "WHERE chunk_id = :id AND node_id = :node AND state <> 'DELETING'")
                .setParameter("id", chunkId).setParameter("node", badNode).executeUpdate()
                .flatMap(updated -> queue.enqueue(session, List.of(chunkId), reason))
                .invoke(queued -> Log.infof("Replica of chunk %s on node %s is bad (%s); chunk queued for repair",
                        chunkId, badNode, reason))
                .replaceWithVoid();
    }

    /**
     * Marks replicas DELETING (they count and serve nothing from now on) and asks their nodes to
     * delete them ({@code chunk.delete-requested} with a delete token each); a row goes when its
     * node confirms {@code chunk.deleted}.
     */
    public Uni<Void> requestDeletions(Mutiny.Session session, List<ChunkEvents.DeleteRequested> requests) {
        if (requests.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String chunks = String.join(",", requests.stream().map(ChunkEvents.DeleteRequested::chunkId).toList());
        String nodes = String.join(",", requests.stream().map(ChunkEvents.DeleteRequested::targetNodeId).toList());
        return session.createNativeQuery("UPDATE replicas r SET state = 'DELETING', updated_at = now() "
                + "FROM unnest(string_to_array(:c, ','), string_to_array(:n, ',')) AS t(c, n) "
                + "WHERE r.chunk_id = t.c AND r.node_id = CAST(t.n AS uuid)")
                .setParameter("c", chunks).setParameter("n", nodes).executeUpdate()
                .flatMap(n -> outbox.recordAll(requests.stream().map(r -> new Outbox.Draft(Topics.CHUNK_PLACEMENTS,
                        r.targetNodeId(), EventTypes.CHUNK_DELETE_REQUESTED, "chunk:" + r.chunkId(), r)).toList()));
    }

    /** Records pending replicas and their {@code chunk.placement-requested} events, in two statements. */
    public Uni<Void> requestPlacements(Mutiny.Session session, List<ChunkEvents.PlacementRequested> requests) {
        if (requests.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String chunks = String.join(",", requests.stream().map(ChunkEvents.PlacementRequested::chunkId).toList());
        String nodes = String.join(",", requests.stream().map(ChunkEvents.PlacementRequested::targetNodeId).toList());
        return session.createNativeQuery("INSERT INTO replicas (chunk_id, node_id, state, updated_at) "
                + "SELECT c, CAST(n AS uuid), 'PENDING', now() FROM unnest(string_to_array(:c, ','), "
                + "string_to_array(:n, ',')) AS t(c, n) ON CONFLICT (chunk_id, node_id) "
                + "DO UPDATE SET state = 'PENDING', updated_at = now() WHERE replicas.state = 'BAD'")
                .setParameter("c", chunks).setParameter("n", nodes).executeUpdate()
                .flatMap(n -> outbox.recordAll(requests.stream().map(r -> new Outbox.Draft(Topics.CHUNK_PLACEMENTS,
                        r.targetNodeId(), EventTypes.CHUNK_PLACEMENT_REQUESTED, "chunk:" + r.chunkId(), r)).toList()));
    }
}
