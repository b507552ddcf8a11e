package io.p2pfs.metadata;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.common.events.Topics;
import io.p2pfs.testing.KafkaRecords;
import io.restassured.RestAssured;
import io.restassured.builder.ResponseBuilder;
import io.restassured.http.Header;
import io.restassured.http.Headers;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/** The REST calls and event look-ups the namespace tests of several packages share. */
public final class TestCalls {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private TestCalls() {
    }

    /** A fresh tag for names and users, so tests sharing one database and broker never meet. */
    public static String tag() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** Random bytes, the same for the same seed. */
    public static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** A directory of {@code token}'s user with two replicas per chunk (enough here, and it spares the machine). */
    public static void home(String token, String dir) {
        given().auth().oauth2(token).post("/api/v1/dirs" + dir).then().statusCode(201);
        given().auth().oauth2(token).contentType("application/json").body(Map.of("replicationFactor", 2))
                .put("/api/v1/policies" + dir).then().statusCode(200);
    }

    public static void mkdirs(String token, String dir) {
        given().auth().oauth2(token).post("/api/v1/dirs" + dir + "?parents=true").then().statusCode(201);
    }

    /**
     * A PUT of {@code content} to the service under test, answered as a RestAssured response to
     * assert on. It goes through the JDK's client: RestAssured sends a body of some MiB at a few
     * MB/s, so every test that uploads data waited on it.
     */
    public static Response upload(String token, String path, byte[] content, String... lockTokens) {
        HttpRequest.Builder request = HttpRequest.newBuilder(serviceUri("/api/v1/files" + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content));
        for (String lockToken : lockTokens) {
            request.header("Lock-Token", lockToken);
        }
        HttpResponse<byte[]> response = send(request.build());
        List<Header> headers = new ArrayList<>();
        response.headers().map().forEach((name, values) -> values.forEach(v -> headers.add(new Header(name, v))));
        ResponseBuilder answer = new ResponseBuilder().setStatusCode(response.statusCode())
                .setHeaders(new Headers(headers)).setBody(response.body());
        response.headers().firstValue("Content-Type").ifPresent(answer::setContentType);
        return answer.build();
    }

    /** The current content of {@code path}, which must answer 200 (through the JDK's client, as {@link #upload}). */
    public static byte[] download(String token, String path) {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(serviceUri("/api/v1/files" + path))
                .header("Authorization", "Bearer " + token).GET().build());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": "
                    + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return response.body();
    }

    /** As RestAssured makes it: the path's characters percent-encoded (UTF-8), a query after {@code ?} as given. */
    private static URI serviceUri(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? "" : pathAndQuery.substring(q);
        URI base = URI.create(RestAssured.baseURI);
        try {
            return URI.create(new URI(base.getScheme(), null, base.getHost(), RestAssured.port,
                    RestAssured.basePath + path, null, null).toASCIIString() + query);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(pathAndQuery, e);
        }
    }

    private static HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static int stat(String token, String path) {
        return given().auth().oauth2(token).get("/api/v1/stat" + path).statusCode();
    }

    /** An ACL body: one entry for {@code principal} (none if it is null). */
    public static String acl(boolean inherit, String principal, String... permissions) {
        StringBuilder list = new StringBuilder();
        for (String p : permissions) {
            list.append(list.isEmpty() ? "" : ",").append('"').append(p).append('"');
        }
        String entries = principal == null ? "" : "{\"principal\":\"" + principal + "\",\"permissions\":[" + list + "]}";
        return "{\"inherit\":" + inherit + ",\"entries\":[" + entries + "]}";
    }

    public static void putAcl(String token, String path, String body) {
        given().auth().oauth2(token).contentType("application/json").body(body).put("/api/v1/acl" + path).then()
                .statusCode(200);
    }

    /** An EXCLUSIVE lock for two minutes; answers its token. */
    public static String lock(String token, String path) {
        return given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("mode", "EXCLUSIVE", "ttlSeconds", 120)).post("/api/v1/locks" + path).then()
                .statusCode(201).extract().path("lockToken");
    }

    public static Response move(String token, String from, String to, String... lockTokens) {
        RequestSpecification request = given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("from", from, "to", to));
        for (String lockToken : lockTokens) {
            request.header("Lock-Token", lockToken);
        }
        return request.post("/api/v1/moves");
    }

    /** The events of {@code type} on {@code p2pfs.files} about {@code subject}. */
    public static List<JsonNode> fileEvents(String type, String subject) {
        return KafkaRecords.events(Topics.FILES, ev -> ev.path("type").asText().equals(type)
                && ev.path("subject").asText().equals(subject));
    }

    /** The {@code access.denied} events of {@code actor}. */
    public static List<JsonNode> accessDenied(String actor) {
        return KafkaRecords.events(Topics.ACCESS, ev -> ev.path("type").asText().equals("access.denied")
                && ev.path("data").path("actor").asText().equals(actor));
    }

    /** The {@code lock.denied} events of {@code actor} refusing {@code operation} on {@code path}. */
    public static List<JsonNode> lockDenied(String actor, String path, String operation) {
        return KafkaRecords.events(Topics.LOCKS, ev -> ev.path("type").asText().equals("lock.denied")
                && ev.path("subject").asText().equals(path)
                && ev.path("data").path("actor").asText().equals(actor)
                && ev.path("data").path("details").path("operation").asText().equals(operation));
    }
}
