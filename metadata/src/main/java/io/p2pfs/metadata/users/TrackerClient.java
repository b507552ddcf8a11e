package io.p2pfs.metadata.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.common.problem.ProblemException;
import io.p2pfs.common.problem.ServiceUnavailable;
import io.p2pfs.common.tls.CaTrust;
import io.p2pfs.metadata.core.TlsConfig;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Asks the tracker who the caller is ({@code GET /api/v1/users/me} with the caller's own token,
 * so the metadata service needs no credentials of its own). The TLS connection trusts the
 * configured CA only.
 */
@ApplicationScoped
public class TrackerClient {

    /** The registration the tracker holds for a login. */
    public record Registration(String userId, String login) {
    }

    private final TrackerConfig config;
    private final ObjectMapper json;
    private final HttpClient http;

    public TrackerClient(TrackerConfig config, TlsConfig tls, ObjectMapper json) {
        this.config = config;
        this.json = json;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(config.timeout());
        tls.ca().filter(ca -> !ca.isBlank()).ifPresent(ca -> builder.sslContext(CaTrust.sslContext(Path.of(ca))));
        this.http = builder.build();
    }

    /** The caller's registration, empty when the tracker says the login is not registered. */
    public Uni<Optional<Registration>> me(String bearerToken) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.url() + "/api/v1/users/me"))
                .timeout(config.timeout()).header("Authorization", "Bearer " + bearerToken)
                .header("Accept", "application/json").GET().build();
        // The JDK client completes on its own threads; the answer goes back to the caller's
        // Vert.x context, where the session that stores the registration lives.
        Context context = Vertx.currentContext();
        Uni<HttpResponse<String>> answer = Uni.createFrom()
                .completionStage(() -> http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        if (context != null) {
            answer = answer.emitOn(task -> context.runOnContext(ignored -> task.run()));
        }
        return answer
                .onFailure().transform(failure -> {
                    Log.warnf("Tracker not reachable for a registration check: %s", failure.toString());
                    return unavailable();
                })
                .map(response -> {
                    if (response.statusCode() == 404) {
                        return Optional.<Registration>empty();
                    }
                    if (response.statusCode() != 200) {
                        Log.warnf("Tracker answered %d to a registration check", response.statusCode());
                        throw unavailable();
                    }
                    try {
                        JsonNode body = json.readTree(response.body());
                        return Optional.of(new Registration(body.path("userId").asText(), body.path("login").asText()));
                    } catch (Exception e) {
                        throw unavailable();
                    }
                });
    }

    private static ProblemException unavailable() {
        return new ServiceUnavailable(
                "Your registration could not be confirmed with the tracker; try again shortly.")
                .withHeader("Retry-After", "5");
    }
}
