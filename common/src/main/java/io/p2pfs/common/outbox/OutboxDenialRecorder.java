package io.p2pfs.common.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.common.events.AuditData;
import io.p2pfs.common.events.CloudEvent;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.problem.DenialRecorder;
import io.quarkus.logging.Log;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Makes every 401 and 403 of a service with a database an {@code access.denied} event on
 * {@code p2pfs.access}, through the outbox like every other event. The denied request changed
 * nothing, so the event gets its own small transaction; it never carries the token.
 */
@ApplicationScoped
public class OutboxDenialRecorder implements DenialRecorder {

    private final Pool pool;
    private final ObjectMapper json;
    private final OutboxConfig config;
    private final OutboxRelay relay;

    public OutboxDenialRecorder(Pool pool, ObjectMapper json, OutboxConfig config, OutboxRelay relay) {
        this.pool = pool;
        this.json = json;
        this.config = config;
        this.relay = relay;
    }

    @Override
    public void denied(Denial denial) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("status", denial.status());
        details.put("method", denial.method());
        AuditData data = new AuditData(denial.actor(), EventTypes.ACCESS_DENIED, denial.resource(),
                AuditData.Outcome.DENIED, denial.reason(), denial.clientAddress(), null, details);
        CloudEvent event = CloudEvent.of(config.source(), EventTypes.ACCESS_DENIED, denial.resource(),
                json.valueToTree(data));
        String key = denial.actor() != null ? denial.actor() : "anonymous@" + denial.clientAddress();
        String payload;
        try {
            payload = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            Log.warnf("access.denied event not serializable: %s", e.getMessage());
            return;
        }
        pool.preparedQuery("INSERT INTO outbox (event_id, topic, record_key, event_type, payload) "
                + "VALUES ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(UUID.fromString(event.id()), Topics.ACCESS, key, EventTypes.ACCESS_DENIED, payload))
                .subscribe().with(rows -> relay.wake(),
                        failure -> Log.warnf("access.denied event not recorded (%s); denial: %s %s status %d",
                                failure.getMessage(), denial.method(), denial.resource(), denial.status()));
    }
}
