package io.p2pfs.metadata.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.metadata.core.ReliableConsumer;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Learns registrations from the tracker's {@code user.registered} events and makes each new
 * user's home directory ({@link Homes}); replays are harmless. A record is acknowledged only once
 * stored ({@link ReliableConsumer}).
 */
@ApplicationScoped
public class UserEventsConsumer {

    public static final String CHANNEL = "user-events";

    private final ObjectMapper json;
    private final ReliableConsumer reliably;
    private final Homes homes;

    public UserEventsConsumer(ObjectMapper json, ReliableConsumer reliably, Homes homes) {
        this.json = json;
        this.reliably = reliably;
        this.homes = homes;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(Message<String> message) {
        return reliably.apply(CHANNEL, message, () -> apply(message.getPayload()));
    }

    Uni<Void> apply(String payload) {
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
        return UserDirectory.remember(subject, userId, details.path("login").asText(userId))
                .flatMap(stored -> homes.ensure(userId, subject));
    }
}
