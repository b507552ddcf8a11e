package io.p2pfs.peer.placement;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The partition of {@code p2pfs.chunks.placements} that carries a node's events:
 * metadata keys them by target node id, and Kafka's default partitioner puts key {@code k} on
 * {@code toPositive(murmur2(k)) % partitions}, so the node reads exactly that one.
 */
public final class PlacementPartition {

    private PlacementPartition() {
    }

    public static int of(String nodeId, int partitions) {
        if (partitions <= 0) {
            throw new IllegalArgumentException("partitions must be positive");
        }
        return Utils.toPositive(Utils.murmur2(nodeId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
