package io.p2pfs.metadata.replicas;

import io.p2pfs.client.api.Uploads;
import io.p2pfs.client.placement.Placement;
import io.p2pfs.common.chunks.ChunkEvents;
import io.p2pfs.common.chunks.ChunkTokens;
import io.p2pfs.metadata.tokens.ChunkTokenSigner;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Placement decisions: for a new chunk, the live nodes HRW ranks best (distinct zones first),
 * the write quorum plus spares, each with a write token for exactly that chunk and node; for a
 * written chunk, the placement requests that bring it up to its replication factor. Signing is
 * CPU work (ES256): call these off the event loop.
 */
@ApplicationScoped
public class PlacementPlanner {

    private final ChunkTokenSigner tokens;
    private final PlacementConfig config;

    public PlacementPlanner(ChunkTokenSigner tokens, PlacementConfig config) {
        this.tokens = tokens;
        this.config = config;
    }

    /** Where a new chunk goes: up to {@code writeQuorum} + spares live nodes, best first. */
    public List<Placement.Candidate> targets(String chunkId, List<Placement.Candidate> live, int writeQuorum) {
        return Placement.rank(chunkId, live).stream().limit(writeQuorum + (long) config.spares()).toList();
    }

    /** The chosen targets with a write token each, for exactly that chunk and node (signing: CPU work). */
    public List<Uploads.Target> signed(String chunkId, List<Placement.Candidate> targets) {
        return targets.stream().map(node -> new Uploads.Target(node.nodeId().toString(), node.url(),
                tokens.sign(chunkId, ChunkTokens.Op.write, node.nodeId()))).toList();
    }

    /**
     * Requests that the best-ranked live nodes not yet holding {@code chunkId} pull it from a live
     * one that does, until {@code replicationFactor} live nodes hold it (holders that are down
     * count as lost until repair says otherwise).
     */
    public List<ChunkEvents.PlacementRequested> remaining(String chunkId, long cipherSize, List<UUID> holders,
            List<Placement.Candidate> live, int replicationFactor) {
        Map<UUID, Placement.Candidate> byId = live.stream()
                .collect(Collectors.toMap(Placement.Candidate::nodeId, Function.identity()));
        List<Placement.Candidate> liveHolders = holders.stream().map(byId::get).filter(java.util.Objects::nonNull)
                .toList();
        int missing = replicationFactor - liveHolders.size();
        if (missing <= 0 || liveHolders.isEmpty()) {
            return List.of();
        }
        Placement.Candidate source = liveHolders.get(0);
        List<ChunkEvents.PlacementRequested> requests = new ArrayList<>();
        for (Placement.Candidate target : Placement.rank(chunkId, live)) {
            if (requests.size() == missing) {
                break;
            }
            if (!holders.contains(target.nodeId())) {
                requests.add(request(chunkId, source.nodeId(), source.url(), target, cipherSize));
            }
        }
        return requests;
    }

    /** Read token for the source, write token for the target (which proves metadata asked for it). */
    public ChunkEvents.PlacementRequested request(String chunkId, UUID sourceNode, String sourceUrl,
            Placement.Candidate target, long size) {
        return new ChunkEvents.PlacementRequested(chunkId, target.nodeId().toString(), sourceNode.toString(),
                sourceUrl, tokens.sign(chunkId, ChunkTokens.Op.read, sourceNode),
                tokens.sign(chunkId, ChunkTokens.Op.write, target.nodeId()), size);
    }

    /**
     * A request that {@code nodeId} delete its copy of {@code chunkId}, with the delete token that
     * proves it; a copy written or written again after {@code notTouchedSince} is kept.
     */
    public ChunkEvents.DeleteRequested deletion(String chunkId, UUID nodeId, java.time.Instant notTouchedSince) {
        return new ChunkEvents.DeleteRequested(chunkId, nodeId.toString(),
                tokens.sign(chunkId, ChunkTokens.Op.delete, nodeId), notTouchedSince);
    }

    /** A read token for each given replica of a chunk. */
    public String readToken(String chunkId, UUID nodeId) {
        return tokens.sign(chunkId, ChunkTokens.Op.read, nodeId);
    }
}
