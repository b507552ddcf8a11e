package io.p2pfs.metadata.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Keeps the {@code nodes} table current from the tracker's node events; placement reads it.
 * Each event commits in its own transaction before its offset is committed. Events carry the
 * full node state, so replaying them converges to the same table.
 */
@ApplicationScoped
public class NodeEventsConsumer {

    public static final String CHANNEL = "node-events";

    private final ObjectMapper json;

    public NodeEventsConsumer(ObjectMapper json) {
        this.json = json;
    }

    @Incoming(CHANNEL)
    @WithTransaction
    public Uni<Void> apply(String payload) {
        JsonNode details;
        try {
            details = json.readTree(payload).path("data").path("details");
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
            node.nodeId = nodeId;
            node.url = details.get("url").asText();
            node.zone = details.path("zone").asText("default");
            node.capacityBytes = details.path("capacityBytes").asLong(0);
            node.state = details.get("state").asText();
            if (details.path("publicKey").isObject()) {
                node.publicKey = details.get("publicKey").toString();
            }
            node.updatedAt = Instant.now();
            return existing != null ? Uni.createFrom().voidItem() : node.persist().replaceWithVoid();
        });
    }
}
