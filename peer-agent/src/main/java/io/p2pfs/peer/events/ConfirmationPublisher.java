package io.p2pfs.peer.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.common.events.CloudEvent;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.kafka.KafkaSettings;
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
 * offset only after {@link #publish} returned never loses the confirmation.
 */
@ApplicationScoped
public class ConfirmationPublisher {

    public static final String SOURCE = "/p2pfs/peer-agent";

    private final KafkaProducer<String, String> producer;
    private final ObjectMapper json;
    private final Duration ackTimeout;

    public ConfirmationPublisher(KafkaSettings kafka, ObjectMapper json) {
        this.producer = new KafkaProducer<>(kafka.producerProperties("p2pfs-peer-agent"));
        this.json = json;
        this.ackTimeout = kafka.deliveryTimeout().plusSeconds(5);
    }

    /** Sends the event and blocks until the broker acknowledged it. */
    public void publish(String type, String chunkId, Object data) {
        CloudEvent event = CloudEvent.of(SOURCE, type, "chunk:" + chunkId, json.valueToTree(data));
        try {
            String value = json.writeValueAsString(event);
            producer.send(new ProducerRecord<>(Topics.CHUNK_CONFIRMATIONS, chunkId, value))
                    .get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + type, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not acknowledge " + type + " for chunk " + chunkId, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + type, e);
        }
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
