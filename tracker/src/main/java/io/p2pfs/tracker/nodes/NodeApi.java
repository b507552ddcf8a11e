package io.p2pfs.tracker.nodes;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Request and response bodies of {@code /api/v1/nodes}. */
public final class NodeApi {

    private NodeApi() {
    }

    /** {@code publicKey}: the node's own P-256 public key as a JWK; its receipts are verified with it. */
    /**
     * {@code publicKey}: the node's own P-256 public key as a JWK; its receipts are verified with it.
     * {@code proof}: a node proof ({@code register}, the URL) signed with that key.
     */
    public record RegisterNodeRequest(String url, Long capacityBytes, String zone, Map<String, Object> publicKey,
            String proof) {
    }

    public record Registration(UUID nodeId, NodeState state, long heartbeatIntervalSeconds,
            int missedHeartbeatsAllowed) {
    }

    /** {@code proof}: a node proof ({@code heartbeat}, the node id) signed with the node's registered key. */
    public record HeartbeatRequest(Long usedBytes, Long chunkCount, String proof) {
    }

    /** Why an admin quarantines a node (required, at most 500 characters; it goes into the audit log). */
    public record QuarantineRequest(String reason) {
    }

    public record HeartbeatAck(UUID nodeId, NodeState state, long heartbeatIntervalSeconds) {
    }

    public record NodeView(UUID nodeId, String url, String zone, long capacityBytes, long usedBytes,
            long chunkCount, NodeState state, Instant registeredAt, Instant lastHeartbeatAt,
            Instant stateChangedAt, Map<String, Object> publicKey, String quarantineReason) {

        static NodeView of(Node node) {
            return new NodeView(node.nodeId, node.url, node.zone, node.capacityBytes, node.usedBytes,
                    node.chunkCount, node.state, node.registeredAt, node.lastHeartbeatAt, node.stateChangedAt,
                    node.publicKey == null ? null : NodeRules.jwk(node.publicKey), node.quarantineReason);
        }
    }
}
