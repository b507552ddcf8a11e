package io.p2pfs.tracker.nodes;

import java.time.Instant;
import java.util.UUID;

/** Request and response bodies of {@code /api/v1/nodes}. */
public final class NodeApi {

    private NodeApi() {
    }

    public record RegisterNodeRequest(String url, Long capacityBytes, String zone) {
    }

    public record Registration(UUID nodeId, NodeState state, long heartbeatIntervalSeconds,
            int missedHeartbeatsAllowed) {
    }

    public record HeartbeatRequest(Long usedBytes, Long chunkCount) {
    }

    public record HeartbeatAck(UUID nodeId, NodeState state, long heartbeatIntervalSeconds) {
    }

    public record NodeView(UUID nodeId, String url, String zone, long capacityBytes, long usedBytes,
            long chunkCount, NodeState state, Instant registeredAt, Instant lastHeartbeatAt,
            Instant stateChangedAt) {

        static NodeView of(Node node) {
            return new NodeView(node.nodeId, node.url, node.zone, node.capacityBytes, node.usedBytes,
                    node.chunkCount, node.state, node.registeredAt, node.lastHeartbeatAt, node.stateChangedAt);
        }
    }
}
