package io.p2pfs.common.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.common.events.CloudEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.hibernate.reactive.panache.Panache;
import java.time.Instant;
import java.util.List;
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

    /** An event to record with {@link #recordAll}. */
    public record Draft(String topic, String key, String type, String subject, Object data) {
    }

    /**
     * Records many events in the caller's transaction with one statement (an upload of a large
     * file asks for a placement per chunk; one round trip each would dominate its commit).
     */
    public Uni<Void> recordAll(List<Draft> drafts) {
        if (drafts.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        ArrayNode rows = json.createArrayNode();
        for (Draft draft : drafts) {
            CloudEvent event = CloudEvent.of(config.source(), draft.type(), draft.subject(),
                    json.valueToTree(draft.data()));
            ObjectNode row = rows.addObject();
            row.put("event_id", event.id());
            row.put("topic", draft.topic());
            row.put("record_key", draft.key());
            row.put("event_type", draft.type());
            try {
                row.put("payload", json.writeValueAsString(event));
            } catch (JsonProcessingException e) {
                return Uni.createFrom().failure(new IllegalArgumentException("event data is not serializable", e));
            }
        }
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                "INSERT INTO outbox (event_id, topic, record_key, event_type, payload) "
                        + "SELECT event_id, topic, record_key, event_type, payload FROM json_to_recordset(CAST(CAST(:rows AS text) AS json)) "
                        + "AS t(event_id uuid, topic text, record_key text, event_type text, payload text)")
                .setParameter("rows", rows.toString()).executeUpdate())
                .invoke(relay::wake).replaceWithVoid();
    }
}
