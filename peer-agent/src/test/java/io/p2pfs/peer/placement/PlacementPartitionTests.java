package io.p2pfs.peer.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class PlacementPartitionTests {

    @Test
    void nodeReadsThePartitionKafkasDefaultPartitionerPutsItsKeyOn() {
        for (int i = 0; i < 500; i++) {
            String nodeId = UUID.randomUUID().toString();
            for (int partitions : new int[] {1, 3, 12, 50}) {
                assertEquals(BuiltInPartitioner.partitionForKey(nodeId.getBytes(StandardCharsets.UTF_8), partitions),
                        PlacementPartition.of(nodeId, partitions));
            }
        }
    }

    @Test
    void backoffDoublesUpToItsCap() {
        Backoff backoff = new Backoff(java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(350));
        assertEquals(100, backoff.after(1).toMillis());
        assertEquals(200, backoff.after(2).toMillis());
        assertEquals(350, backoff.after(3).toMillis());
        assertEquals(350, backoff.after(40).toMillis());
    }
}
