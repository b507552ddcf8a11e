package io.p2pfs.metadata.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.metadata.core.ReliableConsumer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Keeps the {@code nodes} table current from the node events; placement and repair read it.
 * Each event commits in its own transaction before it is acknowledged ({@link ReliableConsumer}).
 * Events carry the full node state, so replaying them converges to the same table; when a node
 * went DOWN is kept (the repair grace period counts from it) until it is UP again. A node this
 * service removed after draining it stays removed until it registers again (then it is a node that
 * holds nothing this service counts on).
 */
@ApplicationScoped
public class NodeEventsConsumer {

    public static final String CHANNEL = "node-events";

    private final ObjectMapper json;
    private final ReliableConsumer reliably;

    public NodeEventsConsumer(ObjectMapper json, ReliableConsumer reliably) {
        this.json = json;
        this.reliably = reliably;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(Message<String> message) {
        return reliably.apply(CHANNEL, message, () -> Panache.withTransaction(() -> apply(message.getPayload())));
    }

    Uni<Void> apply(String payload) {
        JsonNode event;
        JsonNode details;
        try {
            event = json.readTree(payload);
            details = event.path("data").path("details");
        } catch (Exception e) {
            Log.warnf("Skipping unreadable node event: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        }
        if (!details.hasNonNull("nodeId") || !details.hasNonNull("url") || !details.hasNonNull("state")) {
            Log.warn("Skipping node event without nodeId, url or state");
            return Uni.createFrom().voidItem();
        }
        UUID nodeId;
        try {
            nodeId = UUID.fromString(details.get("nodeId").asText());
        } catch (IllegalArgumentException e) {
            Log.warn("Skipping node event with a malformed nodeId");
            return Uni.createFrom().voidItem();
        }
        return StorageNode.<StorageNode>findById(nodeId).flatMap(existing -> {
            StorageNode node = existing != null ? existing : new StorageNode();
            if (node.isRemoved()) {
                if (!EventTypes.NODE_REGISTERED.equals(event.path("type").asText())) {
                    return Uni.createFrom().voidItem();
                }
                // Registered again after its removal: it joins as a node holding nothing we know of.
                node.removedAt = null;
                node.drainQueuedAt = null;
            }
            Instant now = Instant.now();
            String state = details.get("state").asText();
            node.nodeId = nodeId;
            node.url = details.get("url").asText();
            node.zone = details.path("zone").asText("default");
            node.capacityBytes = details.path("capacityBytes").asLong(0);
            if ("DOWN".equals(state) || "QUARANTINED".equals(state)) {
                if (node.downSince == null) {
                    node.downSince = now;
                }
            } else {
                node.downSince = null;
            }
            node.state = state;
            if (details.path("publicKey").isObject()) {
                node.publicKey = details.get("publicKey").toString();
            }
            node.updatedAt = now;
            return existing != null ? Uni.createFrom().voidItem() : node.persist().replaceWithVoid();
        });
    }
}
