package io.p2pfs.common.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.common.events.AuditData;
import io.p2pfs.common.events.CloudEvent;
import io.quarkus.logging.Log;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * Records an event in the outbox in a small transaction of its own, for facts that are not part
 * of a change: a denial (the request changed nothing) or an administrator's override on a read.
 * The relay publishes it like every other outbox row.
 */
@ApplicationScoped
public class DetachedEvents {

    private final Pool pool;
    private final ObjectMapper json;
    private final OutboxConfig config;
    private final OutboxRelay relay;

    public DetachedEvents(Pool pool, ObjectMapper json, OutboxConfig config, OutboxRelay relay) {
        this.pool = pool;
        this.json = json;
        this.config = config;
        this.relay = relay;
    }

    /** Fire and forget: a failure to record is logged (without the event's data), never thrown. */
    public void record(String topic, String key, String type, String subject, AuditData data) {
        CloudEvent event = CloudEvent.of(config.source(), type, subject, json.valueToTree(data));
        String payload;
        try {
            payload = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            Log.warnf("%s event not serializable: %s", type, e.getMessage());
            return;
        }
        pool.preparedQuery("INSERT INTO outbox (event_id, topic, record_key, event_type, payload) "
                + "VALUES ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(UUID.fromString(event.id()), topic, key, type, payload))
                .subscribe().with(rows -> relay.wake(),
                        failure -> Log.warnf("%s event on %s not recorded: %s", type, subject, failure.getMessage()));
    }
}
