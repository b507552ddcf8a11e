package io.p2pfs.common.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.common.events.CloudEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/**
 * Records an event in the caller's current database transaction. Call it inside the
 * {@code @WithTransaction} unit of work that makes the change: the event then exists exactly
 * when the change does, and {@link OutboxRelay} publishes it after the commit.
 */
@ApplicationScoped
public class Outbox {

    private final ObjectMapper json;
    private final OutboxConfig config;
    private final OutboxRelay relay;

    public Outbox(ObjectMapper json, OutboxConfig config, OutboxRelay relay) {
        this.json = json;
        this.config = config;
        this.relay = relay;
    }

    /**
     * @param topic   the Kafka topic
     * @param key     the record key (partitioning and per-key ordering)
     * @param type    the CloudEvent type
     * @param subject the CloudEvent subject (the resource)
     * @param data    the event's data, serialized as JSON
     */
    public Uni<CloudEvent> record(String topic, String key, String type, String subject, Object data) {
        CloudEvent event = CloudEvent.of(config.source(), type, subject, json.valueToTree(data));
        OutboxEvent row = new OutboxEvent();
        row.eventId = UUID.fromString(event.id());
        row.topic = topic;
        row.recordKey = key;
        row.eventType = type;
        row.createdAt = Instant.now();
        try {
            row.payload = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalArgumentException("event data is not serializable", e));
        }
        return row.persist().invoke(relay::wake).replaceWith(event);
    }
}
