package io.p2pfs.common.chunks;

/**
 * The {@code data} of chunk events. Placement and delete requests go to
 * {@code p2pfs.chunks.placements} keyed by the target node id (so Kafka's default partitioner
 * puts all of a node's requests on one partition, the one that node reads); confirmations go to
 * {@code p2pfs.chunks.confirmations} keyed by chunk id, each with the node's
 * {@link ChunkEventProofs proof} added to its data.
 */
public final class ChunkEvents {

    private ChunkEvents() {
    }

    /**
     * Asks {@code targetNodeId} to pull {@code chunkId} from {@code sourceUrl} (with
     * {@code readToken}, valid at the source) and store it (with {@code writeToken}, valid at
     * the target, which proves metadata asked for it).
     */
    public record PlacementRequested(String chunkId, String targetNodeId, String sourceNodeId, String sourceUrl,
            String readToken, String writeToken, long size) {
    }

    /**
     * Asks {@code targetNodeId} to delete {@code chunkId}; {@code deleteToken} authorizes it. A
     * copy the node stored, or was sent again, after {@code notTouchedSince} (when given) is kept
     * and confirmed as stored instead: it belongs to a write that came after the decision.
     */
    public record DeleteRequested(String chunkId, String targetNodeId, String deleteToken,
            java.time.Instant notTouchedSince) {
    }

    /** {@code nodeId} holds {@code chunkId} durably. */
    public record Stored(String chunkId, String nodeId, long size) {
    }

    /** {@code nodeId} no longer holds {@code chunkId}. */
    public record Deleted(String chunkId, String nodeId) {
    }

    /** {@code nodeId} found {@code chunkId} corrupt (scrub or read) and quarantined it. */
    public record Corrupt(String chunkId, String nodeId, String reason) {
    }

    /** {@code nodeId} gave up a placement after {@code attempts} tries. */
    public record PlacementFailed(String chunkId, String nodeId, String reason, int attempts) {
    }
}
