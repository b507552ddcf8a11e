package io.p2pfs.peer.placement;

import io.p2pfs.common.events.Topics;
import io.p2pfs.common.kafka.KafkaClients;
import io.p2pfs.peer.PeerConfig;
import io.p2pfs.peer.membership.NodeIdentity;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads this node's partition of {@code p2pfs.chunks.placements} (the one its node id maps to,
 * {@link PlacementPartition}) with a manual assignment, one record at a time, and commits a
 * record's offset only after {@link PlacementHandler} returned (the chunk is durable and its
 * confirmation acknowledged). If the handler fails (Kafka down for the confirmation) the record
 * is retried from its offset. Offsets live in consumer group {@code p2pfs-peer-<nodeId>}.
 * Follows a change of node id (re-registration) by moving to the new id's partition.
 * Runs on its own thread: handling a record blocks (HTTP pull, disk, acknowledgement).
 */
@ApplicationScoped
public class PlacementConsumer {

    private final KafkaClients kafka;
    private final PeerConfig config;
    private final NodeIdentity identity;
    private final PlacementHandler handler;
    private final io.micrometer.core.instrument.Counter retried;
    private volatile boolean running;
    private volatile KafkaConsumer<String, String> consumer;
    private volatile TopicPartition assigned;
    private Thread worker;

    public PlacementConsumer(KafkaClients kafka, PeerConfig config, NodeIdentity identity, PlacementHandler handler,
            io.micrometer.core.instrument.MeterRegistry metrics) {
        this.kafka = kafka;
        this.config = config;
        this.identity = identity;
        this.handler = handler;
        this.retried = metrics.counter("p2pfs.peer.placement.retried.records");
    }

    void start(@Observes StartupEvent startup) {
        if (!config.placement().enabled()) {
            return;
        }
        running = true;
        worker = Thread.ofPlatform().name("placement-consumer").daemon().start(this::run);
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        running = false;
        KafkaConsumer<String, String> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (worker != null) {
            worker.join(Duration.ofSeconds(10));
        }
    }

    /** The partition currently read, or null before registration. */
    public TopicPartition assignedPartition() {
        return assigned;
    }

    private void run() {
        while (running) {
            String nodeId = identity.nodeId().orElse(null);
            if (nodeId == null) {
                LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
                continue;
            }
            try (KafkaConsumer<String, String> current = new KafkaConsumer<>(properties(nodeId))) {
                consumer = current;
                consume(current, nodeId);
            } catch (WakeupException stopping) {
                return;
            } catch (RuntimeException e) {
                Log.warnf("Placement consumer failed, starting again: %s", e.getMessage());
                LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
            } finally {
                consumer = null;
                assigned = null;
            }
        }
    }

    /** Consumes until stopped or until the node id changes. */
    private void consume(KafkaConsumer<String, String> current, String nodeId) {
        TopicPartition partition = null;
        while (running && partition == null) {
            List<PartitionInfo> partitions = current.partitionsFor(Topics.CHUNK_PLACEMENTS, Duration.ofSeconds(10));
            if (partitions == null || partitions.isEmpty()) {
                LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
                continue;
            }
            partition = new TopicPartition(Topics.CHUNK_PLACEMENTS, PlacementPartition.of(nodeId, partitions.size()));
        }
        if (partition == null) {
            return;
        }
        current.assign(List.of(partition));
        assigned = partition;
        Log.infof("Reading placement events for node %s from %s", nodeId, partition);
        while (running && nodeId.equals(identity.nodeId().orElse(null))) {
            for (ConsumerRecord<String, String> record : current.poll(Duration.ofMillis(500))) {
                try {
                    handler.handle(record.value(), nodeId);
                } catch (RuntimeException e) {
                    retried.increment();
                    Log.warnf("Placement record at offset %d not done, retrying it: %s", record.offset(),
                            e.getMessage());
                    current.seek(partition, record.offset());
                    LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
                    break;
                }
                current.commitSync(Map.of(partition, new OffsetAndMetadata(record.offset() + 1)));
            }
        }
    }

    private Properties properties(String nodeId) {
        Properties props = kafka.consumer("p2pfs-peer-" + nodeId, "p2pfs-peer-" + nodeId);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return props;
    }
}
