package io.p2pfs.peer.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.p2pfs.common.events.CloudEvent;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.chunks.ChunkEventProofs;
import io.p2pfs.common.kafka.KafkaClients;
import io.p2pfs.peer.membership.NodeKey;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes this node's chunk events ({@code chunk.stored}, {@code chunk.deleted},
 * {@code chunk.corrupt}, {@code chunk.placement-failed}) to {@code p2pfs.chunks.confirmations},
 * keyed by chunk id. The peer has no database for an outbox, so it sends straight to Kafka with
 * the idempotent producer and waits for the acknowledgement: a caller that commits a placement's
 * offset only after {@link #publish} returned never loses the confirmation. Each chunk event
 * carries a {@link ChunkEventProofs proof} signed with this node's key, without which the metadata
 * service does not count it.
 */
@ApplicationScoped
public class ConfirmationPublisher {

    public static final String SOURCE = "/p2pfs/peer-agent";

    private final KafkaProducer<String, String> producer;
    private final ObjectMapper json;
    private final Duration ackTimeout;
    private final NodeKey key;

    public ConfirmationPublisher(KafkaClients kafka, ObjectMapper json, NodeKey key) {
        this.producer = new KafkaProducer<>(kafka.producer("p2pfs-peer-agent"));
        this.json = json;
        this.key = key;
        this.ackTimeout = kafka.settings().deliveryTimeout().plusSeconds(5);
    }

    /**
     * Sends the chunk event, signed for the node its data names, and blocks until the broker
     * acknowledged it.
     */
    public void publish(String type, String chunkId, Object data) {
        ObjectNode signed = json.valueToTree(data);
        signed.put(ChunkEventProofs.FIELD, key.chunkEventProof(type, chunkId, signed.path("nodeId").asText()));
        publish(Topics.CHUNK_CONFIRMATIONS, chunkId, CloudEvent.of(SOURCE, type, "chunk:" + chunkId, signed));
    }

    /** Sends any event of this node and blocks until the broker acknowledged it (never on the event loop). */
    public void publish(String topic, String key, CloudEvent event) {
        try {
            String value = json.writeValueAsString(event);
            producer.send(new ProducerRecord<>(topic, key, value)).get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + event.type(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not acknowledge " + event.type() + " (" + event.subject() + ")",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + event.type(), e);
        }
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
