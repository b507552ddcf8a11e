package io.p2pfs.metadata.replicas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.common.chunks.ChunkEventProofs;
import io.p2pfs.common.chunks.ChunkId;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.metadata.core.ReliableConsumer;
import io.p2pfs.metadata.nodes.NodeKeys;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Records what peers report on {@code p2pfs.chunks.confirmations}: a requested replica that was
 * stored becomes CONFIRMED (an unrequested one counts for nothing), a deleted one goes; a failed placement or a corrupt replica is marked BAD and the
 * chunk queued for repair. An event counts only when its {@link ChunkEventProofs proof} verifies
 * with the key the node it names registered: whoever can write to the topic cannot speak for a node
 * whose key it does not hold. Each event commits before it is acknowledged ({@link ReliableConsumer});
 * replays are harmless (the updates are idempotent).
 */
@ApplicationScoped
public class ConfirmationsConsumer {

    public static final String CHANNEL = "chunk-confirmations";
    /** The events of a node this consumer applies. */
    static final java.util.Set<String> COUNTED = java.util.Set.of(EventTypes.CHUNK_STORED, EventTypes.CHUNK_DELETED,
            EventTypes.CHUNK_CORRUPT, EventTypes.CHUNK_PLACEMENT_FAILED);

    private final ObjectMapper json;
    private final ReplicaDirectory replicas;
    private final ReliableConsumer reliably;
    private final NodeKeys keys;

    public ConfirmationsConsumer(ObjectMapper json, ReplicaDirectory replicas, ReliableConsumer reliably,
            NodeKeys keys) {
        this.json = json;
        this.replicas = replicas;
        this.reliably = reliably;
        this.keys = keys;
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
        String type = event.path("type").asText();
        if (!COUNTED.contains(type)) {
            // The peers' refusals share this topic (the one they may write); they are the audit's.
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
        String proof = data.path(ChunkEventProofs.FIELD).asText(null);
        if (proof == null || proof.isEmpty()) {
            Log.warnf("Ignoring a %s of chunk %s in the name of node %s: it carries no proof of its node", type,
                    chunkId, node);
            return Uni.createFrom().voidItem();
        }
        return keys.load(List.of(nodeId)).flatMap(known -> {
            NodeKeys.KnownNode named = known.get(nodeId);
            try {
                ChunkEventProofs.verify(proof, type, chunkId, node, named == null ? null : named.key());
            } catch (ChunkEventProofs.InvalidProof e) {
                Log.warnf("Ignoring a %s of chunk %s in the name of node %s: %s", type, chunkId, node, e.getMessage());
                return Uni.createFrom().voidItem();
            }
            return applyVerified(type, chunkId, nodeId, data);
        });
    }

    private Uni<Void> applyVerified(String type, String chunkId, UUID nodeId, JsonNode data) {
        return Panache.getSession().flatMap(session -> switch (type) {
            case EventTypes.CHUNK_STORED -> replicas.confirmRequested(session, chunkId, nodeId).replaceWithVoid();
            case EventTypes.CHUNK_DELETED -> replicas.deleted(session, chunkId, nodeId);
            case EventTypes.CHUNK_CORRUPT, EventTypes.CHUNK_PLACEMENT_FAILED -> replicas.markBad(session,
                    chunkId, nodeId, type + ": " + data.path("reason").asText("no reason given"));
            default -> Uni.createFrom().voidItem();
        });
    }
}
