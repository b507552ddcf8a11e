package io.p2pfs.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * The parts of hostile requests every service's hostile-input suite draws from (jqwik
 * arbitraries, sampled outside a property since the services run under the Quarkus test
 * extension), and a client that sends a request exactly as written.
 */
public final class HostileInputs {

    /** A token no issuer signed ({@code alg: none}). */
    public static final String FORGED_TOKEN = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private HostileInputs() {
    }

    /** A path segment or identifier: traversal, encodings, look-alikes, controls, very long, random. */
    public static Arbitrary<String> segment() {
        return Arbitraries.oneOf(
                Arbitraries.of("..", ".", "", "%2e%2e", "%2E%2E%2F", "%00", "%ZZ", "%", "a%2Fb", "a b", "*", "~",
                        "file.txt", "sub", "missing", "con", "nul", "\u202egpj.exe", "pay\u200bpal", "\ufeff",
                        "caf\u0065\u0301", "\ud83d\udcc1", "a\u2028b", "\u0007", "?x=1", "#frag", ";jsessionid=1",
                        "\\..\\", "x".repeat(300), "%C0%AE%C0%AE", "%ED%A0%80", "00000000-0000-0000-0000-000000000000",
                        "me", "ADMIN", "root", "\u0000", "a\u0000b", "alice\u0000"),
                Arbitraries.strings().ofMinLength(0).ofMaxLength(40),
                Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(12),
                Arbitraries.strings().alpha().numeric().withChars("-_.~").ofMinLength(1).ofMaxLength(20));
    }

    /** A JSON value a client might send: scalars, objects over {@code keys}, nesting, and garbage. */
    public static Arbitrary<String> json(List<String> keys) {
        Arbitrary<String> scalar = Arbitraries.oneOf(
                Arbitraries.of("null", "true", "false", "0", "-1", "1e308", "-9223372036854775809",
                        "18446744073709551616", "0.5", "\"\"", "\"EXCLUSIVE\"", "\"READ\"", "\"\\u0000\"", "[]", "{}",
                        "\"https://peer.test:8451\"", "\"http://127.0.0.1:1\"", "\"z1\"", "\"*\""),
                Arbitraries.strings().ofMaxLength(20).map(s -> "\"" + esc(s) + "\""),
                Arbitraries.longs().map(n -> Long.toString(n)));
        Arbitrary<String> object = Combinators.combine(Arbitraries.of(keys).list().ofMaxSize(5),
                scalar.list().ofMaxSize(5)).as((ks, vs) -> {
                    StringBuilder out = new StringBuilder("{");
                    for (int i = 0; i < Math.min(ks.size(), vs.size()); i++) {
                        out.append(i == 0 ? "" : ",").append('"').append(ks.get(i)).append("\":").append(vs.get(i));
                    }
                    return out.append('}').toString();
                });
        Arbitrary<String> nested = object.list().ofMaxSize(3).map(list -> "{\"entries\":[" + String.join(",", list)
                + "],\"manifest\":[" + String.join(",", list) + "],\"publicKey\":" + (list.isEmpty() ? "{}"
                        : list.get(0)) + "}");
        Arbitrary<String> garbage = Arbitraries.of("{", "[", "{\"a\":", "not json", "\u0000", "{\"a\":1}}",
                "[".repeat(2000), "{\"path\":" + "\"x\"".repeat(3) + "}");
        return Arbitraries.oneOf(scalar, object, nested, garbage);
    }

    /** Up to two of {@code names} with odd values. */
    public static Arbitrary<Map<String, String>> headers(List<String> names) {
        Arbitrary<String> values = Arbitraries.oneOf(Arbitraries.of("*", "\"\"", "\"1.2\"", "W/\"x\"", "bytes=0-",
                "bytes=-5", "bytes=5-1", "bytes=0-1,3-4", "bytes=99999999999-", "<>", "<token>", ",,,", "a".repeat(500)),
                Arbitraries.strings().ascii().ofMaxLength(30).map(s -> s.replaceAll("[\\r\\n\\x00-\\x1f\\x7f]", "")));
        return Arbitraries.maps(Arbitraries.of(names), values).ofMaxSize(2);
    }

    /** An answer: status and body. */
    public record Answer(int status, String body) {

        /** The problem's {@code detail}, or empty. */
        public String detail() {
            try {
                return JSON.readTree(body).path("detail").asText("");
            } catch (Exception notJson) {
                return "";
            }
        }
    }

    /**
     * Sends a request as written (no templating, no re-encoding beyond {@link #encode}); throws
     * {@link IllegalArgumentException} for one the HTTP client itself will not build.
     */
    public static Answer send(String baseUrl, String method, String path, String query, String token,
            Map<String, String> headers, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + encode(path) + query))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.method(method, body != null ? HttpRequest.BodyPublishers.ofByteArray(body.getBytes(StandardCharsets.UTF_8))
                : HttpRequest.BodyPublishers.noBody());
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    /**
     * Percent-encodes a path as UTF-8 except for unreserved characters, '/' and '%', so that encoded
     * dots, slashes and malformed escapes reach the service as written.
     */
    public static String encode(String path) {
        StringBuilder out = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~/%".indexOf(c) >= 0)) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** How a suite writes down a refusal it was answered, to find its {@code access.denied} event. */
    public static String refusal(String method, String url, int status) {
        return method + " " + url + " " + status;
    }

    /**
     * The refusals of {@code expected} (as {@link #refusal}) that no {@code access.denied} event of
     * {@code actor} among {@code denials} records, each event matching one refusal.
     */
    public static List<String> unrecorded(List<com.fasterxml.jackson.databind.JsonNode> denials, String actor,
            List<String> expected) {
        List<String> recorded = new java.util.ArrayList<>(denials.stream()
                .filter(ev -> ev.path("data").path("actor").asText().equals(actor))
                .map(ev -> ev.path("data").path("details"))
                .map(d -> refusal(d.path("method").asText(), d.path("url").asText(), d.path("status").asInt()))
                .toList());
        List<String> missing = new java.util.ArrayList<>();
        for (String refusal : expected) {
            if (!recorded.remove(refusal)) {
                missing.add(clip(refusal));
            }
        }
        return missing;
    }

    /** A string as the inside of a JSON string literal (controls dropped). */
    public static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("[\\x00-\\x1f]", "");
    }

    /** At most 400 characters of {@code s}, for failure messages. */
    public static String clip(String s) {
        return s.length() <= 400 ? s : s.substring(0, 400) + "…";
    }

    /**
     * A suite run's bookkeeping: how often each status came back ({@code -1}: a request the HTTP
     * client itself refused to build, which never reached the service) and the bad answers, of
     * which a 5xx is always one. Each suite adds the failures its own service's rules define.
     */
    public static final class Tally {

        private final Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        private final List<String> failures = new java.util.ArrayList<>();

        /** Counts a request the HTTP client refused to build. */
        public void unsendable() {
            statuses.merge(-1, 1, Integer::sum);
        }

        /** Counts {@code status}; a 5xx is a failure of {@code request}. */
        public void answered(Object request, int status, String body) {
            statuses.merge(status, 1, Integer::sum);
            if (status >= 500) {
                fail(status + " for " + request + ": " + body);
            }
        }

        public void fail(String failure) {
            failures.add(clip(failure));
        }

        /** Prints the statuses, then asserts no bad answer and at least {@code kinds} different statuses. */
        public void assertClean(String suite, int requests, int kinds) {
            System.out.printf("%s: %d requests, statuses %s%n", suite, requests, statuses);
            org.junit.jupiter.api.Assertions.assertEquals(List.of(), failures.stream().limit(20).toList(),
                    failures.size() + " bad answers of " + requests);
            org.junit.jupiter.api.Assertions.assertTrue(statuses.keySet().stream().filter(s -> s > 0).count() >= kinds,
                    "the inputs reached many answers: " + statuses);
        }
    }
}
