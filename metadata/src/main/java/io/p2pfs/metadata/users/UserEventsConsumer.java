package io.p2pfs.metadata.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Learns registrations from the tracker's {@code user.registered} events; replays are harmless. */
@ApplicationScoped
public class UserEventsConsumer {

    public static final String CHANNEL = "user-events";

    private final ObjectMapper json;

    public UserEventsConsumer(ObjectMapper json) {
        this.json = json;
    }

    @Incoming(CHANNEL)
    public Uni<Void> apply(String payload) {
        JsonNode details;
        try {
            details = json.readTree(payload).path("data").path("details");
        } catch (Exception e) {
            Log.warnf("Skipping unreadable user event: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        }
        String subject = details.path("subject").asText("");
        String userId = details.path("userId").asText("");
        if (subject.isBlank() || userId.isBlank()) {
            Log.debug("Skipping a user event without subject or user id");
            return Uni.createFrom().voidItem();
        }
        return UserDirectory.remember(subject, userId, details.path("login").asText(userId)).replaceWithVoid();
    }
}
