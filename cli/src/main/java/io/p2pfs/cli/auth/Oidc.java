package io.p2pfs.cli.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.cli.CliFailure;
import io.p2pfs.cli.ExitCodes;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * The OAuth 2.0 / OpenID Connect calls of a login against the issuer (a Keycloak realm): the
 * endpoints from its discovery document, the device authorization grant (RFC 8628: the user
 * opens a URL and enters a code, the command polls), the resource owner password grant for
 * scripts, the refresh grant, and the end of a session.
 */
public final class Oidc implements AutoCloseable {

    private static final ObjectMapper JSON = io.p2pfs.client.http.ServiceHttp.JSON;
    private static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

    private final String issuer;
    private final String clientId;
    private final HttpClient http;

    public Oidc(String issuer, String clientId, Path ca) {
        this.issuer = issuer;
        this.clientId = clientId;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (ca != null) {
            builder.sslContext(trusting(ca));
        }
        this.http = builder.build();
    }

    /** The issuer's endpoints, from {@code <issuer>/.well-known/openid-configuration}. */
    public record Endpoints(String token, String deviceAuthorization, String endSession) {
    }

    /** What the device authorization endpoint answered: what to show the user, and how to poll. */
    public record DeviceAuthorization(String deviceCode, String userCode, String verificationUri,
            String verificationUriComplete, int expiresInSeconds, int intervalSeconds) {
    }

    public Endpoints discover() {
        JsonNode document = send(HttpRequest.newBuilder(URI.create(issuer + "/.well-known/openid-configuration"))
                .timeout(Duration.ofSeconds(15)).GET().build(), "the issuer's discovery document");
        String token = text(document, "token_endpoint");
        if (token == null) {
            throw new CliFailure(ExitCodes.UNAVAILABLE, "Bad issuer", issuer + " names no token endpoint");
        }
        return new Endpoints(token, text(document, "device_authorization_endpoint"),
                text(document, "end_session_endpoint"));
    }

    public TokenCache.Login password(Endpoints endpoints, String username, String password) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", clientId);
        form.put("username", username);
        form.put("password", password);
        form.put("scope", "openid");
        return login(endpoints, post(endpoints.token(), form));
    }

    public DeviceAuthorization startDevice(Endpoints endpoints) {
        if (endpoints.deviceAuthorization() == null) {
            throw new CliFailure(ExitCodes.USAGE, "Device login not offered",
                    issuer + " has no device authorization endpoint; use p2pfs login --password");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientId);
        form.put("scope", "openid");
        Answer answer = post(endpoints.deviceAuthorization(), form);
        if (answer.status() != 200) {
            throw refused(answer);
        }
        JsonNode body = answer.body();
        return new DeviceAuthorization(text(body, "device_code"), text(body, "user_code"),
                text(body, "verification_uri"), text(body, "verification_uri_complete"),
                body.path("expires_in").asInt(600), Math.max(1, body.path("interval").asInt(5)));
    }

    /**
     * Polls until the user approved the device (or refused it, or the code expired), at the
     * issuer's interval, slower when it says {@code slow_down}. {@code waiting} hears each wait.
     */
    public TokenCache.Login awaitDevice(Endpoints endpoints, DeviceAuthorization device, Consumer<Integer> waiting) {
        Instant deadline = Instant.now().plusSeconds(device.expiresInSeconds());
        int interval = device.intervalSeconds();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", DEVICE_GRANT);
        form.put("client_id", clientId);
        form.put("device_code", device.deviceCode());
        while (Instant.now().isBefore(deadline)) {
            waiting.accept(interval);
            try {
                Thread.sleep(interval * 1000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliFailure(ExitCodes.AUTH, "Login interrupted", "the device login was interrupted");
            }
            Answer answer = post(endpoints.token(), form);
            if (answer.status() == 200) {
                return login(endpoints, answer);
            }
            String error = text(answer.body(), "error");
            if ("authorization_pending".equals(error)) {
                continue;
            }
            if ("slow_down".equals(error)) {
                interval += 5;
                continue;
            }
            throw refused(answer);
        }
        throw new CliFailure(ExitCodes.AUTH, "Login expired", "the code was not approved in time; run p2pfs login again");
    }

    /** New tokens for the refresh token of {@code login} (the refresh token may be rotated). */
    public TokenCache.Login refresh(TokenCache.Login login) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("client_id", clientId);
        form.put("refresh_token", login.refreshToken());
        Answer answer = post(login.tokenEndpoint(), form);
        if (answer.status() != 200) {
            if (answer.status() == 400 || answer.status() == 401) {
                throw new CliFailure(ExitCodes.AUTH, "Session expired",
                        "the login of profile can no longer be refreshed (" + describe(answer) + "); run p2pfs login");
            }
            throw refused(answer);
        }
        TokenCache.Login fresh = tokens(login.issuer(), login.tokenEndpoint(), login.endSessionEndpoint(), answer.body());
        return new TokenCache.Login(fresh.issuer(), fresh.clientId(), fresh.tokenEndpoint(),
                fresh.endSessionEndpoint(), fresh.accessToken(), fresh.accessExpiresAt(),
                fresh.refreshToken() == null ? login.refreshToken() : fresh.refreshToken(),
                fresh.refreshToken() == null ? login.refreshExpiresAt() : fresh.refreshExpiresAt(), login.login(),
                login.userId());
    }

    /** Ends the session at the issuer, so its refresh token stops working; false if it could not. */
    public boolean endSession(TokenCache.Login login) {
        if (login.endSessionEndpoint() == null || login.refreshToken() == null) {
            return false;
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientId);
        form.put("refresh_token", login.refreshToken());
        try {
            int status = post(login.endSessionEndpoint(), form).status();
            return status >= 200 && status < 300;
        } catch (CliFailure unreachable) {
            return false;
        }
    }

    private TokenCache.Login login(Endpoints endpoints, Answer answer) {
        if (answer.status() != 200) {
            throw refused(answer);
        }
        TokenCache.Login login = tokens(issuer, endpoints.token(), endpoints.endSession(), answer.body());
        return new TokenCache.Login(login.issuer(), login.clientId(), login.tokenEndpoint(),
                login.endSessionEndpoint(), login.accessToken(), login.accessExpiresAt(), login.refreshToken(),
                login.refreshExpiresAt(), Jwt.claims(login.accessToken()).path("preferred_username").asText(null),
                null);
    }

    private TokenCache.Login tokens(String issuerUrl, String tokenEndpoint, String endSession, JsonNode body) {
        Instant now = Instant.now();
        String access = text(body, "access_token");
        if (access == null) {
            throw new CliFailure(ExitCodes.AUTH, "Login failed", "the issuer answered no access token");
        }
        int expiresIn = body.path("expires_in").asInt(60);
        Instant refreshExpires = body.has("refresh_expires_in") && body.path("refresh_expires_in").asLong() > 0
                ? now.plusSeconds(body.path("refresh_expires_in").asLong()) : null;
        return new TokenCache.Login(issuerUrl, clientId, tokenEndpoint, endSession, access, now.plusSeconds(expiresIn),
                text(body, "refresh_token"), refreshExpires, null, null);
    }

    private static CliFailure refused(Answer answer) {
        String error = text(answer.body(), "error");
        if (answer.status() >= 500) {
            return new CliFailure(ExitCodes.UNAVAILABLE, "Issuer unavailable", describe(answer));
        }
        String title = switch (error == null ? "" : error) {
            case "invalid_grant" -> "Login refused";
            case "access_denied" -> "Login denied";
            case "expired_token" -> "Login expired";
            case "unauthorized_client", "invalid_client" -> "Client not allowed";
            default -> "Login failed";
        };
        return new CliFailure(ExitCodes.AUTH, title, describe(answer));
    }

    private static String describe(Answer answer) {
        String error = text(answer.body(), "error");
        String description = text(answer.body(), "error_description");
        if (error == null) {
            return "the issuer answered HTTP " + answer.status();
        }
        return description == null ? error : error + ": " + description;
    }

    private record Answer(int status, JsonNode body) {
    }

    private Answer post(String endpoint, Map<String, String> form) {
        StringJoiner encoded = new StringJoiner("&");
        form.forEach((name, value) -> encoded.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(encoded.toString())).build();
        return exchange(request, endpoint);
    }

    private JsonNode send(HttpRequest request, String what) {
        Answer answer = exchange(request, what);
        if (answer.status() != 200) {
            throw new CliFailure(ExitCodes.UNAVAILABLE, "Issuer unavailable",
                    what + " at " + request.uri() + " answered HTTP " + answer.status());
        }
        return answer.body();
    }

    private Answer exchange(HttpRequest request, String what) {
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body;
            try {
                body = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
            } catch (IOException notJson) {
                body = JSON.createObjectNode();
            }
            return new Answer(response.statusCode(), body == null ? JSON.createObjectNode() : body);
        } catch (ConnectException e) {
            throw new CliFailure(ExitCodes.UNAVAILABLE, "Issuer unavailable", "cannot reach " + request.uri().getHost()
                    + ":" + request.uri().getPort() + " (" + what + ")");
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.UNAVAILABLE, "Issuer unavailable", what + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(ExitCodes.OTHER, "Interrupted", what + " was interrupted");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** Stops the HTTP client's selector thread (a JVM exits 300 ms sooner without one in native code). */
    @Override
    public void close() {
        http.shutdownNow();
    }

    /** An SSL context trusting exactly the certificates of a PEM file. */
    public static SSLContext trusting(Path caPem) {
        try {
            return io.p2pfs.client.http.JdkHttp.trusting(caPem);
        } catch (RuntimeException e) {
            throw new CliFailure(ExitCodes.USAGE, "Bad CA file", e.getMessage());
        }
    }
}
