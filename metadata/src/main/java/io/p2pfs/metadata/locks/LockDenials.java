package io.p2pfs.metadata.locks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.common.events.AuditData;
import io.p2pfs.common.events.CloudEvent;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.outbox.OutboxConfig;
import io.p2pfs.common.outbox.OutboxRelay;
import io.p2pfs.metadata.datapath.UploadPipeline;
import io.p2pfs.common.paths.FsPath;
import io.quarkus.logging.Log;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Records a refused lock or a write refused by someone else's lock as a {@code lock.denied}
 * event. The refused request's own transaction rolls back, so the event goes into the outbox
 * on a connection of its own (as access denials do); it never carries a token.
 */
@ApplicationScoped
public class LockDenials {

    private final Pool pool;
    private final ObjectMapper json;
    private final OutboxConfig config;
    private final OutboxRelay relay;

    public LockDenials(Pool pool, ObjectMapper json, OutboxConfig config, OutboxRelay relay) {
        this.pool = pool;
        this.json = json;
        this.config = config;
        this.relay = relay;
    }

    /**
     * @param operation what was refused: {@code lock}, {@code write}, {@code delete}, …
     * @param requested the mode asked for ({@code null} unless a lock was asked for)
     * @param holder    the live lock that refused it
     */
    public void denied(String actor, FsPath path, String operation, LockMode requested, Lease holder) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("path", path.toString());
        details.put("operation", operation);
        if (requested != null) {
            details.put("requestedMode", requested.name());
        }
        details.put("holder", holder.ownerId);
        details.put("heldMode", holder.mode.name());
        details.put("expiresAt", holder.expiresAt.toString());
        AuditData data = new AuditData(actor, EventTypes.LOCK_DENIED, path.toString(), AuditData.Outcome.DENIED,
                "locked by " + holder.ownerId, null, null, details);
        CloudEvent event = CloudEvent.of(config.source(), EventTypes.LOCK_DENIED, path.toString(),
                json.valueToTree(data));
        String payload;
        try {
            payload = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            Log.warnf("lock.denied event not serializable: %s", e.getMessage());
            return;
        }
        // Not awaited: the refused transaction may hold a pooled connection this insert would otherwise wait for.
        pool.preparedQuery("INSERT INTO outbox (event_id, topic, record_key, event_type, payload) "
                + "VALUES ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(UUID.fromString(event.id()), Topics.LOCKS, UploadPipeline.pathKey(path),
                        EventTypes.LOCK_DENIED, payload))
                .subscribe().with(rows -> relay.wake(),
                        failure -> Log.warnf("lock.denied event not recorded (%s): %s %s", failure.getMessage(),
                                operation, path));
    }
}
