package io.p2pfs.peer.status;

import io.p2pfs.peer.PeerConfig;
import io.p2pfs.peer.chunks.ChunkStore;
import io.p2pfs.peer.membership.NodeIdentity;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** {@code GET /api/v1/status}: who this node is and how full it is. Any authenticated caller. */
@Path("/api/v1/status")
public class StatusResource {

    public record PeerStatus(String nodeId, String zone, String publicUrl, long capacityBytes, long usedBytes,
            long freeBytes, long chunkCount, long quarantinedChunks) {
    }

    private final PeerConfig config;
    private final ChunkStore store;
    private final NodeIdentity identity;

    public StatusResource(PeerConfig config, ChunkStore store, NodeIdentity identity) {
        this.config = config;
        this.store = store;
        this.identity = identity;
    }

    @GET
    @Authenticated
    public PeerStatus status() {
        long used = store.usedBytes();
        return new PeerStatus(identity.nodeId().orElse(null), config.zone(), config.publicUrl(),
                store.capacityBytes(), used, Math.max(0, store.capacityBytes() - used), store.chunkCount(),
                store.quarantinedCount());
    }
}
