package io.p2pfs.metadata.replicas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.common.chunks.ChunkId;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.metadata.core.ReliableConsumer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Records what peers report on {@code p2pfs.chunks.confirmations}: a requested replica that was
 * stored becomes CONFIRMED (an unrequested one counts for nothing), a deleted one goes; a failed placement or a corrupt replica is marked BAD and the
 * chunk queued for repair. Each event commits before it is acknowledged ({@link ReliableConsumer});
 * replays are harmless (the updates are idempotent).
 */
@ApplicationScoped
public class ConfirmationsConsumer {

    public static final String CHANNEL = "chunk-confirmations";

    private final ObjectMapper json;
    private final ReplicaDirectory replicas;
    private final ReliableConsumer reliably;

    public ConfirmationsConsumer(ObjectMapper json, ReplicaDirectory replicas, ReliableConsumer reliably) {
        this.json = json;
        this.replicas = replicas;
        this.reliably = reliably;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(Message<String> message) {
        return reliably.apply(CHANNEL, message, () -> Panache.withTransaction(() -> apply(message.getPayload())));
    }

    Uni<Void> apply(String payload) {
        JsonNode event;
        try {
            event = json.readTree(payload);
        } catch (Exception e) {
            Log.warn("Skipping an unreadable chunk confirmation");
            return Uni.createFrom().voidItem();
        }
        JsonNode data = event.path("data");
        String chunkId = data.path("chunkId").asText(null);
        String node = data.path("nodeId").asText(null);
        if (!ChunkId.isValid(chunkId) || node == null) {
            Log.warn("Skipping a chunk confirmation without a valid chunkId or nodeId");
            return Uni.createFrom().voidItem();
        }
        UUID nodeId;
        try {
            nodeId = UUID.fromString(node);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().voidItem();
        }
        String type = event.path("type").asText();
        return Panache.getSession().flatMap(session -> switch (type) {
            case EventTypes.CHUNK_STORED -> replicas.confirmRequested(session, chunkId, nodeId).replaceWithVoid();
            case EventTypes.CHUNK_DELETED -> replicas.deleted(session, chunkId, nodeId);
            case EventTypes.CHUNK_CORRUPT, EventTypes.CHUNK_PLACEMENT_FAILED -> replicas.markBad(session,
                    chunkId, nodeId, type + ": " + data.path("reason").asText("no reason given"));
            default -> Uni.createFrom().voidItem();
        });
    }
}
