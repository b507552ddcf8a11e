package io.p2pfs.metadata.datapath;

import io.p2pfs.client.placement.Placement;
import io.p2pfs.common.chunks.ChunkEvents;
import io.p2pfs.common.chunks.ChunkTokens;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.outbox.Outbox;
import io.p2pfs.metadata.nodes.StorageNode;
import io.p2pfs.metadata.tokens.ChunkTokenSigner;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Replica bookkeeping: which nodes hold which chunk, live node lists for placement, and
 * re-placement of a chunk that lost a replica (bad read, corrupt report, failed placement).
 * All methods run in the caller's transaction.
 */
@ApplicationScoped
public class ReplicaDirectory {

    private final ChunkTokenSigner tokens;
    private final Outbox outbox;

    public ReplicaDirectory(ChunkTokenSigner tokens, Outbox outbox) {
        this.tokens = tokens;
        this.outbox = outbox;
    }

    /** A place a chunk can be read from. */
    public record Source(UUID nodeId, String url, boolean confirmed, boolean up) {
    }

    public Uni<List<Placement.Candidate>> liveCandidates() {
        return StorageNode.<StorageNode>list("state", "UP").map(nodes -> nodes.stream()
                .map(n -> new Placement.Candidate(n.nodeId, n.url, n.zone, Math.max(1, n.capacityBytes)))
                .toList());
    }

    /** How many confirmed replicas on live nodes the chunk has (0 when unknown). */
    public Uni<Long> liveConfirmed(Mutiny.Session session, String chunkId) {
        return session.createNativeQuery("SELECT count(*) FROM replicas r JOIN nodes n ON n.node_id = r.node_id "
                + "WHERE r.chunk_id = :id AND r.state = 'CONFIRMED' AND n.state = 'UP'", Long.class)
                .setParameter("id", chunkId).getSingleResult();
    }

    /** Every usable replica of the chunk, best first (confirmed on live nodes), ties shuffled. */
    public Uni<List<Source>> sources(Mutiny.Session session, String chunkId) {
        return sources(session, List.of(chunkId)).map(all -> all.getOrDefault(chunkId, List.of()));
    }

    /** {@link #sources(Mutiny.Session, String)} for many chunks in one query. */
    public Uni<java.util.Map<String, List<Source>>> sources(Mutiny.Session session, List<String> chunkIds) {
        return session.createNativeQuery("SELECT r.chunk_id, CAST(n.node_id AS text), n.url, r.state, n.state "
                + "FROM replicas r JOIN nodes n ON n.node_id = r.node_id "
                + "WHERE r.chunk_id = ANY(string_to_array(:ids, ',')) AND r.state <> 'BAD'", Object[].class)
                .setParameter("ids", String.join(",", chunkIds)).getResultList()
                .map(rows -> {
                    java.util.Map<String, List<Source>> byChunk = new java.util.HashMap<>();
                    for (Object[] row : rows) {
                        byChunk.computeIfAbsent((String) row[0], id -> new ArrayList<>()).add(new Source(
                                UUID.fromString((String) row[1]), (String) row[2], "CONFIRMED".equals(row[3]),
                                "UP".equals(row[4])));
                    }
                    // Equally good replicas in random order: reads spread over them, and a bad
                    // replica cannot hide behind a good one that is always asked first.
                    for (List<Source> sources : byChunk.values()) {
                        java.util.Collections.shuffle(sources);
                        sources.sort((a, b) -> Integer.compare(rank(b), rank(a)));
                    }
                    return byChunk;
                });
    }

    private static int rank(Source s) {
        return (s.confirmed() ? 2 : 0) + (s.up() ? 1 : 0);
    }

    /** Records that {@code nodeId} holds {@code chunkId} durably. */
    public Uni<Integer> confirm(Mutiny.Session session, String chunkId, UUID nodeId) {
        return session.createNativeQuery("INSERT INTO replicas (chunk_id, node_id, state, updated_at) "
                + "SELECT :id, :node, 'CONFIRMED', now() WHERE EXISTS (SELECT 1 FROM chunks WHERE chunk_id = :id) "
                + "ON CONFLICT (chunk_id, node_id) DO UPDATE SET state = 'CONFIRMED', updated_at = now()")
                .setParameter("id", chunkId).setParameter("node", nodeId).executeUpdate();
    }

    /**
     * Marks the replica on {@code badNode} BAD and asks another live node to pull the chunk from
     * a good replica, so the chunk returns to its replication factor.
     */
    public Uni<Void> replaceReplica(Mutiny.Session session, String chunkId, UUID badNode, String reason) {
        return session.createNativeQuery("UPDATE replicas SET state = 'BAD', updated_at = now() "
                + "WHERE chunk_id = :id AND node_id = :node")
                .setParameter("id", chunkId).setParameter("node", badNode).executeUpdate()
                .flatMap(updated -> sources(session, chunkId))
                .flatMap(sources -> liveCandidates().flatMap(candidates -> {
                    Source source = sources.stream().filter(s -> s.confirmed() && s.up()).findFirst().orElse(null);
                    if (source == null) {
                        io.quarkus.logging.Log.warnf("Chunk %s has no good replica left to copy from", chunkId);
                        return Uni.createFrom().voidItem();
                    }
                    Set<UUID> holding = new HashSet<>();
                    sources.forEach(s -> holding.add(s.nodeId()));
                    holding.add(badNode);
                    Placement.Candidate target = Placement.rank(chunkId, candidates).stream()
                            .filter(c -> !holding.contains(c.nodeId())).findFirst().orElse(null);
                    if (target == null) {
                        io.quarkus.logging.Log.warnf("No live node can take a new replica of chunk %s", chunkId);
                        return Uni.createFrom().voidItem();
                    }
                    return requestPlacements(session,
                            List.of(placementRequest(chunkId, source.nodeId(), source.url(), target, 0)))
                            .invoke(() -> io.quarkus.logging.Log.infof("Re-placing chunk %s on %s (%s)", chunkId,
                                    target.nodeId(), reason));
                }));
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

    /**
     * A request that {@code target} pull {@code chunkId} from {@code sourceNode}, with the read
     * token for the source and the write token for the target (signed by the caller's thread).
     */
    public ChunkEvents.PlacementRequested placementRequest(String chunkId, UUID sourceNode, String sourceUrl,
            Placement.Candidate target, long size) {
        return new ChunkEvents.PlacementRequested(chunkId, target.nodeId().toString(), sourceNode.toString(),
                sourceUrl, tokens.sign(chunkId, ChunkTokens.Op.read, sourceNode),
                tokens.sign(chunkId, ChunkTokens.Op.write, target.nodeId()), size);
    }
}
