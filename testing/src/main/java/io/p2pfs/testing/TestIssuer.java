package io.p2pfs.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenID Connect issuer for tests of clients that log in, in the shape of a Keycloak realm
 * ({@code <url>/.well-known/openid-configuration}, {@code /protocol/openid-connect/token},
 * {@code /auth/device}, {@code /logout}): the password grant, the device authorization grant
 * (RFC 8628, approved or denied by the test as the user would in a browser), the refresh grant
 * and session ends. Its access tokens are {@link TestTokens}, so the services verify them for
 * real; refresh tokens are opaque and revocable. Counts every grant it answers.
 */
public final class TestIssuer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Account(String password, String[] roles, String[] groups) {
    }

    private record DeviceGrant(String userCode, Instant expiresAt, String login, boolean denied) {
    }

    private final HttpServer server;
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();
    private final Map<String, DeviceGrant> deviceCodes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> grants = new ConcurrentHashMap<>();
    private volatile Duration accessLifetime = Duration.ofMinutes(5);
    private volatile int pollIntervalSeconds = 1;

    public TestIssuer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the test issuer", e);
        }
        server.setExecutor(Executors.newFixedThreadPool(4, Thread.ofPlatform().daemon().name("test-issuer-", 0)
                .factory()));
        server.createContext("/realms/p2pfs/", this::handle);
        server.start();
    }

    /** The realm URL, as a client is configured with it. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/p2pfs";
    }

    public TestIssuer user(String login, String password, String[] roles, String... groups) {
        accounts.put(login, new Account(password, roles, groups));
        return this;
    }

    /** How long access tokens live from now on (the services refuse them after it). */
    public void accessTokenLifetime(Duration lifetime) {
        this.accessLifetime = lifetime;
    }

    /** How many times a grant of this type ({@code password}, {@code refresh_token}, {@code device_code}) was answered with tokens. */
    public int granted(String grantType) {
        return grants.getOrDefault(grantType, new AtomicInteger()).get();
    }

    /** The user codes of device logins waiting for approval. */
    public List<String> pendingUserCodes() {
        return deviceCodes.values().stream().filter(grant -> grant.login() == null && !grant.denied())
                .map(DeviceGrant::userCode).toList();
    }

    /** What the user does in the browser: signs in and approves the code. False if the code or the password is wrong. */
    public boolean approve(String userCode, String login, String password) {
        Account account = accounts.get(login);
        if (account == null || !account.password().equals(password)) {
            return false;
        }
        return decide(userCode, login, false);
    }

    public boolean deny(String userCode) {
        return decide(userCode, null, true);
    }

    private boolean decide(String userCode, String login, boolean denied) {
        for (Map.Entry<String, DeviceGrant> entry : deviceCodes.entrySet()) {
            DeviceGrant grant = entry.getValue();
            if (grant.userCode().equals(userCode) && grant.login() == null && !grant.denied()) {
                entry.setValue(new DeviceGrant(grant.userCode(), grant.expiresAt(), login, denied));
                return true;
            }
        }
        return false;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring("/realms/p2pfs".length());
            Map<String, String> form = "POST".equals(exchange.getRequestMethod()) ? form(exchange) : Map.of();
            switch (path) {
                case "/.well-known/openid-configuration" -> answer(exchange, 200, Map.of(
                        "issuer", TestTokens.ISSUER,
                        "token_endpoint", url() + "/protocol/openid-connect/token",
                        "device_authorization_endpoint", url() + "/protocol/openid-connect/auth/device",
                        "end_session_endpoint", url() + "/protocol/openid-connect/logout"));
                case "/protocol/openid-connect/token" -> token(exchange, form);
                case "/protocol/openid-connect/auth/device" -> {
                    String deviceCode = random(24);
                    String userCode = random(4).toUpperCase() + "-" + random(4).toUpperCase();
                    deviceCodes.put(deviceCode, new DeviceGrant(userCode, Instant.now().plusSeconds(120), null, false));
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("device_code", deviceCode);
                    body.put("user_code", userCode);
                    body.put("verification_uri", url() + "/device");
                    body.put("verification_uri_complete", url() + "/device?user_code=" + userCode);
                    body.put("expires_in", 120);
                    body.put("interval", pollIntervalSeconds);
                    answer(exchange, 200, body);
                }
                case "/protocol/openid-connect/logout" -> {
                    String token = form.get("refresh_token");
                    answer(exchange, token != null && refreshTokens.remove(token) != null ? 204 : 400, null);
                }
                default -> answer(exchange, 404, Map.of("error", "not_found"));
            }
        }
    }

    private void token(HttpExchange exchange, Map<String, String> form) throws IOException {
        String grantType = form.getOrDefault("grant_type", "");
        switch (grantType) {
            case "password" -> {
                Account account = accounts.get(form.getOrDefault("username", ""));
                if (account == null || !account.password().equals(form.get("password"))) {
                    answer(exchange, 401, error("invalid_grant", "Invalid user credentials"));
                    return;
                }
                issue(exchange, "password", form.get("username"));
            }
            case "refresh_token" -> {
                String login = refreshTokens.remove(form.getOrDefault("refresh_token", ""));
                if (login == null) {
                    answer(exchange, 400, error("invalid_grant", "Token is not active"));
                    return;
                }
                issue(exchange, "refresh_token", login);
            }
            case "urn:ietf:params:oauth:grant-type:device_code" -> {
                DeviceGrant grant = deviceCodes.get(form.getOrDefault("device_code", ""));
                if (grant == null) {
                    answer(exchange, 400, error("invalid_grant", "Device code not valid"));
                } else if (grant.expiresAt().isBefore(Instant.now())) {
                    answer(exchange, 400, error("expired_token", "Device code has expired"));
                } else if (grant.denied()) {
                    deviceCodes.remove(form.get("device_code"));
                    answer(exchange, 400, error("access_denied", "The end user denied the authorization request"));
                } else if (grant.login() == null) {
                    answer(exchange, 400, error("authorization_pending", "The authorization request is still pending"));
                } else {
                    deviceCodes.remove(form.get("device_code"));
                    issue(exchange, "device_code", grant.login());
                }
            }
            default -> answer(exchange, 400, error("unsupported_grant_type", "Unsupported grant_type"));
        }
    }

    private void issue(HttpExchange exchange, String grantType, String login) throws IOException {
        Account account = accounts.get(login);
        Duration lifetime = accessLifetime;
        String access = TestTokens.user(login).roles(account.roles()).groups(account.groups())
                .claim("exp", Instant.now().plus(lifetime).getEpochSecond()).sign();
        String refresh = random(32);
        refreshTokens.put(refresh, login);
        grants.computeIfAbsent(grantType, type -> new AtomicInteger()).incrementAndGet();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", access);
        body.put("expires_in", lifetime.toSeconds());
        body.put("refresh_token", refresh);
        body.put("refresh_expires_in", 1800);
        body.put("token_type", "Bearer");
        answer(exchange, 200, body);
    }

    private static Map<String, Object> error(String error, String description) {
        return Map.of("error", error, "error_description", description);
    }

    private static Map<String, String> form(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                form.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static void answer(HttpExchange exchange, int status, Object body) throws IOException {
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return HexFormat.of().formatHex(value).substring(0, Math.min(bytes * 2, bytes <= 4 ? 4 : bytes * 2));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
