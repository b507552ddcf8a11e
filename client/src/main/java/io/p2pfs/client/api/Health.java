package io.p2pfs.client.api;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The body of {@code GET /api/v1/admin/replication}: how healthy replication is, as of now. */
public final class Health {

    private Health() {
    }

    /**
     * Chunks by number of live replicas (confirmed on UP nodes; keys "0".."4" and "5+"), those
     * below their replication factor, those with no live replica, the repair queue, copies in
     * flight, drains, garbage, and nodes by state. Chunks being deleted count only under garbage.
     */
    public record Replication(long chunks, Map<String, Long> chunksByLiveReplicas, long underReplicated,
            long unavailable, RepairQueue queue, long copiesInFlight, List<Drain> drains, Garbage garbage,
            Map<String, Long> nodesByState) {
    }

    /** Chunks queued for repair, how many are due now, and the bytes their missing copies add up to. */
    public record RepairQueue(long chunks, long due, long bytesToMove) {
    }

    /** A draining node: the chunks it holds and how many of them still lack R live copies elsewhere. */
    public record Drain(UUID nodeId, String url, String zone, long capacityBytes, long chunksHeld, long chunksLeft) {
    }

    /** Chunks nothing references (not yet collected), chunks and replicas being deleted. */
    public record Garbage(long orphanChunks, long orphanBytes, long chunksBeingDeleted, long replicasBeingDeleted) {
    }
}
