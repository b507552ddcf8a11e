package io.p2pfs.client.http;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.p2pfs.client.P2pfsException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * JSON calls of the p2pfs REST APIs with the caller's bearer token: one request and its whole
 * answer on a Vert.x event loop, the calling thread waiting for the outcome. An error status
 * becomes a {@link P2pfsException} carrying the service's problem+json; an unreachable service
 * is a 503 of the same kind. {@code call} blocks (never call it on an event loop); {@code callAsync}
 * does not.
 */
public final class ServiceHttp {

    /** Jackson as the services speak it: ISO-8601 instants, unknown members ignored. */
    public static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Vertx vertx;
    private final HttpClient http;
    private final java.net.http.HttpClient jdk;
    private final Supplier<String> bearer;
    private final Duration timeout;

    /** Calls on Vert.x event loops (the services and the bulk data path share them). */
    public ServiceHttp(Vertx vertx, HttpClient http, Supplier<String> bearer, Duration timeout) {
        this.vertx = vertx;
        this.http = http;
        this.jdk = null;
        this.bearer = bearer;
        this.timeout = timeout;
    }

    /**
     * Calls with the JDK's own HTTP client: no event loops to start, so a short-lived program
     * (one command line) answers sooner; the JDK's HTTP classes also come with its class data.
     */
    public ServiceHttp(java.net.http.HttpClient jdk, Supplier<String> bearer, Duration timeout) {
        this.vertx = null;
        this.http = null;
        this.jdk = jdk;
        this.bearer = bearer;
        this.timeout = timeout;
    }

    private record Answer(int status, byte[] body) {
    }

    /** A request body sent as it is (not as JSON). */
    public record Raw(byte[] bytes, String contentType) {
    }

    private static byte[] bytesOf(Object body) throws IOException {
        return body == null ? null : body instanceof Raw raw ? raw.bytes() : JSON.writeValueAsBytes(body);
    }

    private static String contentTypeOf(Object body) {
        return body instanceof Raw raw ? raw.contentType() : "application/json";
    }

    /**
     * Sends {@code body} (null: none) as JSON and reads the answer as {@code type} when its status
     * is one of {@code ok} ({@code type} null: the body is ignored).
     */
    public <T> T call(HttpMethod method, String uri, Object body, Map<String, String> headers, TypeReference<T> type,
            int... ok) {
        return call(method, uri, body, headers, type == null ? null : JSON.getTypeFactory().constructType(type), ok);
    }

    public <T> T call(HttpMethod method, String uri, Object body, Map<String, String> headers, Class<T> type,
            int... ok) {
        return call(method, uri, body, headers, type == null ? null : JSON.getTypeFactory().constructType(type), ok);
    }

    private <T> T call(HttpMethod method, String uri, Object body, Map<String, String> headers, JavaType type,
            int... ok) {
        return decode(method, uri, exchange(method, uri, body, headers), type, ok);
    }

    /**
     * As {@link #call}, without waiting: the answer (or the same {@link P2pfsException} the
     * waiting call would throw) completes the future, on an event loop. Never blocks.
     */
    public <T> CompletableFuture<T> callAsync(HttpMethod method, String uri, Object body, Map<String, String> headers,
            Class<T> type, int... ok) {
        JavaType javaType = type == null ? null : JSON.getTypeFactory().constructType(type);
        return exchangeAsync(method, uri, body, headers).thenApply(answer -> decode(method, uri, answer, javaType, ok));
    }

    private static <T> T decode(HttpMethod method, String uri, Answer answer, JavaType type, int... ok) {
        for (int status : ok) {
            if (answer.status() == status) {
                if (type == null) {
                    return null;
                }
                try {
                    return JSON.readValue(answer.body(), type);
                } catch (IOException e) {
                    throw new P2pfsException(502, "Bad Gateway", method + " " + uri + " answered unreadable JSON",
                            Map.of());
                }
            }
        }
        throw problem(method, uri, answer);
    }

    private Answer exchange(HttpMethod method, String uri, Object body, Map<String, String> headers) {
        if (jdk != null) {
            return exchangeJdk(method, uri, body, headers);
        }
        CompletableFuture<Answer> answer = exchangeAsync(method, uri, body, headers);
        try {
            return answer.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure
                    : P2pfsException.unavailable(method + " " + uri + " failed: " + describe(e.getCause()));
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw P2pfsException.unavailable(method + " " + uri + " interrupted");
        }
    }

    /**
     * One request and its whole answer, completed on an event loop: with the answer, or with a
     * 503 {@link P2pfsException} when the service cannot be reached or does not answer in time.
     */
    private CompletableFuture<Answer> exchangeAsync(HttpMethod method, String uri, Object body,
            Map<String, String> headers) {
        if (jdk != null) {
            return exchangeJdkAsync(method, uri, body, headers);
        }
        if (io.vertx.core.Context.isOnEventLoopThread()) {
            // The token supplier may block (a refresh asks the identity provider): never on an event loop.
            return CompletableFuture.supplyAsync(bearer, Thread::startVirtualThread)
                    .thenCompose(token -> exchangeAsync(method, uri, body, headers, token));
        }
        return exchangeAsync(method, uri, body, headers, bearer.get());
    }

    private CompletableFuture<Answer> exchangeAsync(HttpMethod method, String uri, Object body,
            Map<String, String> headers, String token) {
        RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(uri)
                .setIdleTimeout(timeout.toMillis()).putHeader("Accept", "application/json, application/problem+json");
        if (token != null) {
            options.putHeader("Authorization", "Bearer " + token);
        }
        headers.forEach(options::putHeader);
        Buffer content;
        try {
            byte[] bytes = bytesOf(body);
            content = bytes == null ? null : Buffer.buffer(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write the request body as JSON", e);
        }
        if (content != null) {
            options.putHeader("Content-Type", contentTypeOf(body));
        }
        CompletableFuture<Answer> answer = EventLoopCall.run(vertx, () -> http.request(options)
                .compose(request -> content == null ? request.send() : request.send(content))
                .compose(response -> response.body().map(bytes -> new Answer(response.statusCode(), bytes.getBytes()))));
        CompletableFuture<Answer> bounded = answer.orTimeout(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        return bounded.handle((done, failure) -> {
            if (failure == null) {
                return done;
            }
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof TimeoutException) {
                answer.cancel(true);
                throw P2pfsException.unavailable(method + " " + uri + " timed out");
            }
            throw P2pfsException.unavailable(method + " " + uri + " failed: " + describe(cause));
        });
    }

    private CompletableFuture<Answer> exchangeJdkAsync(HttpMethod method, String uri, Object body,
            Map<String, String> headers) {
        return CompletableFuture.supplyAsync(() -> exchangeJdk(method, uri, body, headers),
                Thread::startVirtualThread);
    }

    /**
     * Stops the JDK client's selector thread, if this calls through the JDK: a JVM that exits
     * while a thread waits in native code waits a further 300 ms for it.
     */
    public void close() {
        if (jdk != null) {
            jdk.shutdownNow();
        }
    }

    private Answer exchangeJdk(HttpMethod method, String uri, Object body, Map<String, String> headers) {
        java.net.http.HttpRequest.Builder request;
        byte[] content;
        try {
            request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(uri)).timeout(timeout);
            content = bytesOf(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write the request body as JSON", e);
        } catch (IllegalArgumentException e) {
            throw new P2pfsException(400, "Bad Request", "not a URL: " + uri, Map.of());
        }
        request.header("Accept", "application/json, application/problem+json");
        String token = bearer.get();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        if (content != null) {
            request.header("Content-Type", contentTypeOf(body));
        }
        request.method(method.name(), content == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                : java.net.http.HttpRequest.BodyPublishers.ofByteArray(content));
        try {
            java.net.http.HttpResponse<byte[]> response = jdk.send(request.build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), response.body());
        } catch (java.net.http.HttpTimeoutException e) {
            throw P2pfsException.unavailable(method + " " + uri + " timed out");
        } catch (IOException e) {
            throw P2pfsException.unavailable(method + " " + uri + " failed: " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw P2pfsException.unavailable(method + " " + uri + " interrupted");
        }
    }

    @SuppressWarnings("unchecked")
    private static P2pfsException problem(HttpMethod method, String uri, Answer answer) {
        Map<String, Object> problem = new LinkedHashMap<>();
        try {
            if (answer.body().length > 0) {
                problem.putAll(JSON.readValue(answer.body(), Map.class));
            }
        } catch (IOException | ClassCastException notJson) {
            // the service answered something other than problem+json: keep the status alone
        }
        String title = problem.get("title") instanceof String t ? t : "HTTP " + answer.status();
        String detail = problem.get("detail") instanceof String d ? d : method + " " + uri + " answered " + answer.status();
        return new P2pfsException(answer.status(), title, detail, problem);
    }

    static String describe(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName()
                : failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }

    /** A file-system path as URL path segments, each percent-encoded ({@code /a b/c} -> {@code /a%20b/c}). */
    public static String encodePath(String path) {
        StringBuilder encoded = new StringBuilder();
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty()) {
                continue;
            }
            encoded.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return encoded.isEmpty() ? "/" : encoded.toString();
    }

    public static String query(Map<String, ?> parameters) {
        StringBuilder query = new StringBuilder();
        parameters.forEach((name, value) -> {
            if (value != null) {
                query.append(query.isEmpty() ? '?' : '&').append(name).append('=')
                        .append(URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
            }
        });
        return query.toString();
    }
}
