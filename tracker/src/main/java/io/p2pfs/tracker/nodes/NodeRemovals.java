package io.p2pfs.tracker.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.kafka.KafkaClients;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Learns from {@code p2pfs.nodes} which drains the metadata service finished: its
 * {@code node.removed} (source {@code /p2pfs/metadata}) makes the DRAINING node REMOVED here.
 * Everything else on the topic is the tracker's own or not for it. Offsets are committed after
 * a batch was applied; a failure (database away) reads the batch again after a pause, so no
 * removal is lost ({@code p2pfs_kafka_records_total{channel="node-removals", outcome="retried"}}).
 * Runs on its own thread: applying a record waits for the database.
 */
@ApplicationScoped
public class NodeRemovals {

    static final String METADATA_SOURCE = "/p2pfs/metadata";

    private final KafkaClients kafka;
    private final NodeService nodes;
    private final ObjectMapper json;
    private final io.micrometer.core.instrument.Counter retried;
    private volatile boolean running;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread worker;

    public NodeRemovals(KafkaClients kafka, NodeService nodes, ObjectMapper json,
            io.micrometer.core.instrument.MeterRegistry metrics) {
        this.kafka = kafka;
        this.nodes = nodes;
        this.json = json;
        this.retried = metrics.counter("p2pfs_kafka_records_total", "channel", "node-removals", "outcome", "retried");
    }

    void start(@Observes StartupEvent startup) {
        running = true;
        worker = Thread.ofPlatform().name("node-removals").daemon().start(this::run);
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

    private void run() {
        while (running) {
            try (KafkaConsumer<String, String> current = new KafkaConsumer<>(properties())) {
                consumer = current;
                current.subscribe(List.of(Topics.NODES));
                while (running) {
                    ConsumerRecords<String, String> records = current.poll(Duration.ofMillis(500));
                    if (records.isEmpty()) {
                        continue;
                    }
                    for (ConsumerRecord<String, String> record : records) {
                        apply(record.value());
                    }
                    current.commitSync();
                }
            } catch (WakeupException stopping) {
                return;
            } catch (RuntimeException e) {
                // Uncommitted records are read again by the next consumer of the group.
                retried.increment();
                Log.warnf("Node removals not applied, reading them again: %s", e.getMessage());
                LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
            } finally {
                consumer = null;
            }
        }
    }

    private void apply(String value) {
        JsonNode event;
        try {
            event = json.readTree(value);
        } catch (Exception unreadable) {
            return;
        }
        if (!EventTypes.NODE_REMOVED.equals(event.path("type").asText())
                || !METADATA_SOURCE.equals(event.path("source").asText())) {
            return;
        }
        UUID nodeId;
        try {
            nodeId = UUID.fromString(event.path("data").path("details").path("nodeId").asText());
        } catch (IllegalArgumentException malformed) {
            return;
        }
        try {
            if (VertxContextSupport.subscribeAndAwait(() -> nodes.removed(nodeId))) {
                Log.infof("Node %s is drained and removed", nodeId);
            }
        } catch (Throwable e) {
            throw new IllegalStateException("node " + nodeId + " not marked removed: " + e.getMessage(), e);
        }
    }

    private Properties properties() {
        Properties props = kafka.consumer("p2pfs-tracker-node-removals", "p2pfs-tracker-node-removals");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return props;
    }
}
