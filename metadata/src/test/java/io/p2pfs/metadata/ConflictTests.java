package io.p2pfs.metadata;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.testing.KafkaRecords;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrent writers on one file under each conflict strategy, and the If-None-Match race,
 * against the real database, peers and broker.
 */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
class ConflictTests {

    static final int WRITERS = 50;
    static final String TOKEN = TestUsers.OWNER_TOKEN;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();

    String dir;

    @BeforeEach
    void freshDirectory() {
        TestPeers.atLeast(3);
        dir = "/" + TestUsers.OWNER + "/conflicts-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(TOKEN).post("/api/v1/dirs" + dir).then().statusCode(201);
    }

    void policy(String strategy) {
        given().auth().oauth2(TOKEN).contentType("application/json")
                .body(Map.of("conflictStrategy", strategy, "replicationFactor", 2)).put("/api/v1/policies" + dir)
                .then().statusCode(200).body("effective.conflictStrategy", equalTo(strategy));
    }

    /** One writer's answer: status, JSON body and headers. */
    record Answer(int writer, int status, JsonNode body, HttpResponse<String> response) {
        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }

    static String content(int writer, String run) {
        return "writer " + writer + " of run " + run;
    }

    /** Starts every writer at once; each PUTs its own small content to {@code path}. */
    static List<Answer> concurrently(int writers, String path, String run, Map<String, String> headers)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Answer>> answers = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                int writer = i;
                answers.add(pool.submit(() -> {
                    HttpRequest.Builder request = HttpRequest.newBuilder(uri("/api/v1/files" + path))
                            .timeout(Duration.ofMinutes(3))
                            .header("Authorization", "Bearer " + TOKEN)
                            .header("Content-Type", "application/octet-stream")
                            .PUT(HttpRequest.BodyPublishers.ofString(content(writer, run)));
                    headers.forEach(request::header);
                    start.await();
                    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
                    return new Answer(writer, response.statusCode(), KafkaRecords.parse(response.body()), response);
                }));
            }
            start.countDown();
            List<Answer> out = new ArrayList<>();
            for (Future<Answer> answer : answers) {
                out.add(answer.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    static URI uri(String path) {
        // Spaces and parentheses of conflict names must be escaped in a URI.
        String encoded = java.util.Arrays.stream(path.split("/", -1))
                .map(segment -> URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
        return URI.create(MetadataTestResource.url + encoded);
    }

    static String download(String path, Integer version) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(uri("/api/v1/files" + path)
                + (version == null ? "" : "?version=" + version))).header("Authorization", "Bearer " + TOKEN).GET()
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + " v" + version + ": " + response.body());
        return response.body();
    }

    static long versionRows(String path) {
        long entry = entryId(path);
        return TestPeers.count("SELECT count(*) FROM versions WHERE entry_id = " + entry);
    }

    static long entryId(String path) {
        String etag = given().auth().oauth2(TOKEN).get("/api/v1/stat" + path).then().statusCode(200).extract()
                .path("etag");
        return Long.parseLong(etag.substring(1, etag.indexOf('.')));
    }

    static List<JsonNode> conflictEvents(String path) {
        return KafkaRecords.events("p2pfs.files", ev -> ev.path("type").asText().equals("file.conflict")
                && ev.path("subject").asText().equals(path));
    }

    @Test
    void underFailEachBaseVersionGetsExactlyOneCommitAndEveryOtherWriter412() throws Exception {
        policy("FAIL");
        String path = dir + "/shared.txt";
        given().auth().oauth2(TOKEN).body("v1").put("/api/v1/files" + path).then().statusCode(201);
        String run = UUID.randomUUID().toString();

        List<Answer> answers = concurrently(WRITERS, path, run, Map.of());

        List<Answer> committed = answers.stream().filter(a -> a.status() == 200).toList();
        List<Answer> refused = answers.stream().filter(a -> a.status() == 412).toList();
        assertEquals(WRITERS, committed.size() + refused.size(), "only 200 or 412: " + answers.stream()
                .map(a -> a.status() + " " + a.body()).toList());
        assertTrue(!committed.isEmpty());
        Map<Integer, Integer> commitsPerBase = new HashMap<>();
        for (Answer a : committed) {
            int base = a.body().path("baseVersion").asInt();
            assertEquals(base + 1, a.body().path("version").asInt(), "a commit is the next version of its base");
            commitsPerBase.merge(base, 1, Integer::sum);
            assertEquals(content(a.writer(), run), download(path, a.body().path("version").asInt()));
        }
        Set<Integer> bases = new HashSet<>(commitsPerBase.keySet());
        for (Answer a : refused) {
            assertEquals("application/problem+json", a.header("Content-Type"));
            assertNotNull(a.body().path("currentEtag").textValue());
            bases.add(a.body().path("baseVersion").asInt());
        }
        for (int base : bases) {
            assertEquals(1, commitsPerBase.getOrDefault(base, 0), "commits based on version " + base);
        }
        Set<Integer> versions = committed.stream().map(a -> a.body().path("version").asInt())
                .collect(Collectors.toSet());
        assertEquals(IntStream.rangeClosed(2, committed.size() + 1).boxed().collect(Collectors.toSet()), versions);
        assertEquals(1 + committed.size(), versionRows(path), "no orphan version");
        given().auth().oauth2(TOKEN).get("/api/v1/versions" + path).then().statusCode(200)
                .body("version.size()", equalTo(1 + committed.size()));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<JsonNode> events = conflictEvents(path);
            assertEquals(refused.size(), events.size());
            assertTrue(events.stream().allMatch(ev -> ev.path("data").path("details").path("strategy").asText()
                    .equals("FAIL") && ev.path("data").path("outcome").asText().equals("FAILED")
                    && ev.path("data").path("details").has("otherVersion")));
        });
    }

    @Test
    void underLastWriterWinsEveryWriterCommitsANewVersionAndNoneIsLost() throws Exception {
        policy("LAST_WRITER_WINS");
        String path = dir + "/shared.txt";
        String v1 = given().auth().oauth2(TOKEN).body("v1").put("/api/v1/files" + path).then().statusCode(201)
                .extract().header("ETag");
        String run = UUID.randomUUID().toString();

        // Every writer names version 1 as its base.
        List<Answer> answers = concurrently(WRITERS, path, run, Map.of("If-Match", v1));

        assertTrue(answers.stream().allMatch(a -> a.status() == 200), answers.stream()
                .map(a -> a.status() + " " + a.body()).toList().toString());
        Set<Integer> versions = new HashSet<>();
        for (Answer a : answers) {
            int version = a.body().path("version").asInt();
            versions.add(version);
            assertEquals(1, a.body().path("baseVersion").asInt());
            assertEquals(content(a.writer(), run), download(path, version));
        }
        assertEquals(IntStream.rangeClosed(2, WRITERS + 1).boxed().collect(Collectors.toSet()), versions);
        assertEquals(WRITERS + 1, versionRows(path));
        List<Answer> resolved = answers.stream().filter(a -> a.header("X-P2pfs-Conflict") != null).toList();
        assertEquals(WRITERS - 1, resolved.size(), "all but the first commit met a newer version");
        assertTrue(resolved.stream().allMatch(a -> a.header("X-P2pfs-Conflict").equals("LAST_WRITER_WINS")
                && a.body().path("conflict").path("otherVersion").asInt() == a.body().path("version").asInt() - 1));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<JsonNode> events = conflictEvents(path);
            assertEquals(WRITERS - 1, events.size());
            for (JsonNode ev : events) {
                JsonNode details = ev.path("data").path("details");
                assertEquals("LAST_WRITER_WINS", details.path("strategy").asText());
                assertEquals(1, details.path("baseVersion").asInt());
                assertEquals(details.path("otherVersion").asInt() + 1, details.path("committedVersion").asInt());
            }
        });
    }

    @Test
    void underKeepBothEveryWriterIsKeptAndExactlyOneAtTheOriginalName() throws Exception {
        policy("KEEP_BOTH");
        String path = dir + "/notes.txt";
        String v1 = given().auth().oauth2(TOKEN).body("v1").put("/api/v1/files" + path).then().statusCode(201)
                .extract().header("ETag");
        String run = UUID.randomUUID().toString();

        List<Answer> answers = concurrently(WRITERS, path, run, Map.of("If-Match", v1));

        List<Answer> atOriginal = answers.stream().filter(a -> a.body().path("path").asText().equals(path)).toList();
        assertEquals(1, atOriginal.size(), "exactly one writer at the original name");
        assertEquals(200, atOriginal.get(0).status());
        assertNull(atOriginal.get(0).header("X-P2pfs-Conflict"));
        Set<String> besides = new HashSet<>();
        for (Answer a : answers) {
            String stored = a.body().path("path").asText();
            if (!stored.equals(path)) {
                assertEquals(201, a.status());
                assertEquals("KEEP_BOTH", a.header("X-P2pfs-Conflict"));
                assertEquals("/api/v1/files" + stored, a.header("Location"));
                assertTrue(stored.matches(java.util.regex.Pattern.quote(dir) + "/notes \\(conflict "
                        + TestUsers.OWNER + " \\d{8}T\\d{6}Z( \\d+)?\\)\\.txt"), stored);
                assertEquals(path, a.body().path("conflict").path("conflictsWith").asText());
                besides.add(stored);
            }
            assertEquals(content(a.writer(), run), download(stored, a.body().path("version").asInt()));
        }
        assertEquals(WRITERS - 1, besides.size(), "every conflict copy has a name of its own");
        assertEquals(2, versionRows(path));
        given().auth().oauth2(TOKEN).get("/api/v1/list" + dir).then().statusCode(200)
                .body("entries.size()", equalTo(WRITERS));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<JsonNode> events = conflictEvents(path);
            assertEquals(WRITERS - 1, events.size());
            assertEquals(besides, events.stream().map(ev -> ev.path("data").path("details").path("committedPath")
                    .asText()).collect(Collectors.toSet()));
            assertTrue(events.stream().allMatch(ev -> ev.path("data").path("details").path("strategy").asText()
                    .equals("KEEP_BOTH") && ev.path("data").path("details").path("otherVersion").asInt() == 2));
        });
    }

    @Test
    void ofTwoConcurrentCreateOnlyUploadsOneCreatesAndTheOtherGets412() throws Exception {
        for (String strategy : List.of("FAIL", "KEEP_BOTH")) {
            policy(strategy);
            for (int round = 0; round < 3; round++) {
                String path = dir + "/created-" + strategy + "-" + round + ".txt";
                List<Answer> answers = concurrently(2, path, UUID.randomUUID().toString(), Map.of("If-None-Match", "*"));
                List<Integer> statuses = answers.stream().map(Answer::status).sorted().toList();
                assertEquals(List.of(201, 412), statuses, answers.stream().map(a -> a.status() + " " + a.body())
                        .toList().toString());
                Answer created = answers.stream().filter(a -> a.status() == 201).findFirst().orElseThrow();
                Answer refused = answers.stream().filter(a -> a.status() == 412).findFirst().orElseThrow();
                assertEquals(created.header("ETag"), refused.body().path("currentEtag").asText());
                assertEquals(1, versionRows(path));
            }
            given().auth().oauth2(TOKEN).get("/api/v1/list" + dir).then().statusCode(200);
        }
        // Nothing was kept beside a create-only file.
        assertEquals(6, given().auth().oauth2(TOKEN).get("/api/v1/list" + dir).then().statusCode(200).extract()
                .jsonPath().getList("entries").size());
    }
}
