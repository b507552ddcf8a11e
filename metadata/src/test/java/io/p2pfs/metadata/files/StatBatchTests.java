package io.p2pfs.metadata.files;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.p2pfs.client.api.NamespaceApi;
import io.p2pfs.metadata.MetadataTestResource;
import io.p2pfs.metadata.TestCalls;
import io.p2pfs.metadata.TestPeers;
import io.p2pfs.metadata.TestUsers;
import io.p2pfs.testing.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/stats}: each path's result is exactly what its own {@code GET /stat}
 * answers (its stat, or its problem), in the order asked; refusals among them are audited one
 * by one; what the body itself gets wrong is a 400 for the whole call; and ACL changes bind the
 * next batch as they bind the next single stat.
 */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
class StatBatchTests {

    String tag;
    String owner;
    String ownerToken;
    String reader;
    String readerToken;
    String dir;

    @BeforeEach
    void tree() {
        TestPeers.atLeast(3);
        tag = TestCalls.tag();
        owner = "sb-" + tag;
        reader = "sr-" + tag;
        ownerToken = TestUsers.token(owner);
        readerToken = TestUsers.token(reader);
        dir = "/" + owner + "/sb-" + tag;
        given().auth().oauth2(ownerToken).post("/api/v1/dirs" + dir + "/a/b?parents=true").then().statusCode(201);
        TestCalls.upload(ownerToken, dir + "/a/b/f.txt", "content".getBytes()).then().statusCode(201);
        TestCalls.upload(ownerToken, dir + "/a/g.txt", "other content".getBytes()).then().statusCode(201);
    }

    /** The answers of one batch, as raw JSON maps in the order given. */
    static List<Map<String, Object>> batch(String token, List<String> paths) {
        Map<String, Object> body = new HashMap<>();
        body.put("paths", paths);
        return given().auth().oauth2(token).contentType("application/json").body(body).post("/api/v1/stats").then()
                .statusCode(200).extract().jsonPath().getList("results");
    }

    /** What {@code GET /stat} answers for {@code path}: its status and its body's members. */
    static Map<String, Object> single(String token, String path) {
        var response = given().auth().oauth2(token).get("/api/v1/stat" + io.p2pfs.testing.HostileInputs.encode(path)).then().extract();
        Map<String, Object> answer = new HashMap<>(new JsonPath(response.asString()).getMap(""));
        answer.put("status", response.statusCode());
        return answer;
    }

    /** Asserts that a batch result says what the single stat said. */
    static void assertSame(Map<String, Object> single, Map<String, Object> result, String path) {
        assertEquals(path, result.get("path"));
        int status = (Integer) single.get("status");
        if (status == 200) {
            assertNull(result.get("problem"), path + ": " + result);
            Map<String, Object> expected = new HashMap<>(single);
            expected.remove("status");
            expected.values().removeIf(java.util.Objects::isNull);
            @SuppressWarnings("unchecked")
            Map<String, Object> stat = new HashMap<>((Map<String, Object>) result.get("stat"));
            stat.values().removeIf(java.util.Objects::isNull);
            assertEquals(expected, stat, path);
        } else {
            assertNull(result.get("stat"), path + ": " + result);
            @SuppressWarnings("unchecked")
            Map<String, Object> problem = (Map<String, Object>) result.get("problem");
            assertNotNull(problem, path + ": " + result);
            assertEquals(status, problem.get("status"), path);
            assertEquals(single.get("title"), problem.get("title"), path);
            assertEquals(single.get("detail"), problem.get("detail"), path);
        }
    }

    @Test
    void eachResultIsWhatItsOwnStatAnswersInTheOrderAsked() {
        List<String> paths = List.of(dir + "/a/b/f.txt", dir + "/a", dir + "/a/missing.txt", dir + "/a/g.txt",
                dir + "/a/b/f.txt/below", "/" + owner, dir + "/a/b/f.txt", dir + "//a", dir + "/a/./b", "/");
        // Twice: the first resolves the directories the full way, the second answers from what is held.
        for (int round = 0; round < 2; round++) {
            List<Map<String, Object>> results = batch(ownerToken, paths);
            assertEquals(paths.size(), results.size());
            for (int i = 0; i < paths.size(); i++) {
                String path = paths.get(i);
                if (path.contains("//") || path.contains("/./")) {
                    // Not sendable as a URL as it is (the HTTP server resolves it first): malformed here.
                    @SuppressWarnings("unchecked")
                    Map<String, Object> problem = (Map<String, Object>) results.get(i).get("problem");
                    assertEquals(400, problem.get("status"), path);
                    assertEquals(path, results.get(i).get("path"));
                    continue;
                }
                assertSame(single(ownerToken, path), results.get(i), path);
            }
        }
        List<Map<String, Object>> results = batch(ownerToken, paths);
        assertEquals("FILE", ((Map<?, ?>) results.get(0).get("stat")).get("type"));
        assertEquals("DIR", ((Map<?, ?>) results.get(1).get("stat")).get("type"));
        assertEquals(404, ((Map<?, ?>) results.get(2).get("problem")).get("status"));
        assertEquals(((Map<?, ?>) results.get(0).get("stat")).get("etag"),
                ((Map<?, ?>) results.get(6).get("stat")).get("etag"), "a path asked twice is answered twice");
    }

    @Test
    void aPathThatIsNullOrBrokenIsThatResultsBadRequestAndTheOthersAreStillAnswered() {
        List<String> paths = Arrays.asList(null, dir + "/a/g.txt", "relative/name", dir + "/a/\u0000x",
                dir + "/" + "n".repeat(300));
        List<Map<String, Object>> results = batch(ownerToken, paths);
        assertEquals(5, results.size());
        for (int i : new int[] {0, 2, 3, 4}) {
            assertNull(results.get(i).get("stat"), String.valueOf(results.get(i)));
            assertEquals(400, ((Map<?, ?>) results.get(i).get("problem")).get("status"), String.valueOf(results.get(i)));
        }
        assertEquals("FILE", ((Map<?, ?>) results.get(1).get("stat")).get("type"));
    }

    @Test
    void whatTheBodyGetsWrongIsABadRequestProblemForTheWholeCall() {
        for (String body : List.of("{}", "{\"paths\": []}", "{\"paths\": null}", "{\"paths\": \"/a\"}",
                "{\"paths\": [1, 2]", "[]", "not json")) {
            given().auth().oauth2(ownerToken).contentType("application/json").body(body).post("/api/v1/stats")
                    .then().statusCode(400).contentType("application/problem+json");
        }
        given().auth().oauth2(ownerToken).contentType("application/json").post("/api/v1/stats").then()
                .statusCode(400).contentType("application/problem+json");
        List<String> many = new ArrayList<>();
        for (int i = 0; i <= 1000; i++) {
            many.add(dir + "/f" + i);
        }
        given().auth().oauth2(ownerToken).contentType("application/json").body(Map.of("paths", many))
                .post("/api/v1/stats").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("1000"));
        // 1,000 is allowed: every one answered (all missing but the first).
        many.set(0, dir + "/a/g.txt");
        List<Map<String, Object>> results = batch(ownerToken, many.subList(0, 1000));
        assertEquals(1000, results.size());
        assertEquals("FILE", ((Map<?, ?>) results.get(0).get("stat")).get("type"));
        assertEquals(999, results.stream().filter(r -> r.get("problem") != null
                && ((Map<?, ?>) r.get("problem")).get("status").equals(404)).count());
        given().auth().oauth2(ownerToken).contentType("text/plain").body(dir).post("/api/v1/stats").then()
                .statusCode(415);
    }

    @Test
    void whoMayNotSeeAPathGetsItsHidingNotFoundAndEachRefusalIsAudited() {
        String hidden = dir + "/a/b/f.txt";
        String alsoHidden = dir + "/a/g.txt";
        List<String> paths = List.of(hidden, "/" + reader, alsoHidden, hidden);
        for (int round = 0; round < 2; round++) {
            List<Map<String, Object>> results = batch(readerToken, paths);
            for (int i = 0; i < paths.size(); i++) {
                assertSame(single(readerToken, paths.get(i)), results.get(i), paths.get(i));
            }
            assertEquals(404, ((Map<?, ?>) results.get(0).get("problem")).get("status"));
            assertEquals("DIR", ((Map<?, ?>) results.get(1).get("stat")).get("type"));
        }
        // Per round: three refusals in the batch and three for the single stats it was compared with.
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var denied = TestCalls.accessDenied(reader);
            assertEquals(8, denied.stream().filter(e -> e.path("subject").asText().equals(hidden)).count(),
                    denied.toString());
            assertEquals(4, denied.stream().filter(e -> e.path("subject").asText().equals(alsoHidden)).count());
            assertEquals(6, denied.stream().filter(e -> e.path("data").path("details").path("url").asText()
                    .equals("/api/v1/stats")).count(), denied.toString());
        });
        // Someone not registered, a storage node, and no token at all are refused the whole call.
        Map<String, Object> body = Map.of("paths", List.of(hidden));
        given().auth().oauth2(TestTokens.user("stranger-" + tag).sign()).contentType("application/json").body(body)
                .post("/api/v1/stats").then().statusCode(403).body("detail", containsString("register"));
        given().auth().oauth2(TestTokens.node().sign()).contentType("application/json").body(body)
                .post("/api/v1/stats").then().statusCode(403);
        given().contentType("application/json").body(body).post("/api/v1/stats").then().statusCode(401);
    }

    @Test
    void aGrantAndItsRevocationBindTheNextBatch() {
        String file = dir + "/a/b/f.txt";
        TestCalls.putAcl(ownerToken, dir + "/a", TestCalls.acl(true, "user:" + reader, "READ"));
        double before = DirectoryCacheTests.fastStats();
        for (int i = 0; i < 3; i++) {
            List<Map<String, Object>> results = batch(readerToken, List.of(file, dir + "/a/g.txt"));
            assertEquals("FILE", ((Map<?, ?>) results.get(0).get("stat")).get("type"));
            assertEquals("FILE", ((Map<?, ?>) results.get(1).get("stat")).get("type"));
            // A reader sees the file but not its digest, as in its own stat.
            assertNull(((Map<?, ?>) results.get(0).get("stat")).get("sha256"));
        }
        assertTrue(DirectoryCacheTests.fastStats() >= before + 4, "later batches were answered from what is held");
        TestCalls.putAcl(ownerToken, dir + "/a", TestCalls.acl(true, null));
        List<Map<String, Object>> results = batch(readerToken, List.of(file, dir + "/a/g.txt"));
        assertEquals(404, ((Map<?, ?>) results.get(0).get("problem")).get("status"));
        assertEquals(404, ((Map<?, ?>) results.get(1).get("problem")).get("status"));
        // Changed straight in the database, as another replica would: in force at once too.
        TestCalls.putAcl(ownerToken, dir + "/a", TestCalls.acl(true, "user:" + reader, "READ"));
        assertEquals("FILE", ((Map<?, ?>) batch(readerToken, List.of(file)).get(0).get("stat")).get("type"));
        long a = TestPeers.count("SELECT entry_id FROM acls WHERE grants::text LIKE '%" + reader + "%'");
        TestPeers.execute("DELETE FROM acls WHERE entry_id = " + a);
        assertEquals(404, ((Map<?, ?>) batch(readerToken, List.of(file)).get(0).get("problem")).get("status"));
    }

    @Test
    void concurrentBatchesAndWritesEachSeeAWholeAnswer() throws Exception {
        List<String> files = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            files.add(dir + "/a/c" + i + ".txt");
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> work = new ArrayList<>();
            // Two writers make the files while four readers stat all of them again and again.
            for (int w = 0; w < 2; w++) {
                int from = w;
                work.add(pool.submit(() -> {
                    for (int i = from; i < files.size(); i += 2) {
                        TestCalls.upload(ownerToken, files.get(i), ("c" + i).getBytes()).then().statusCode(201);
                    }
                    return null;
                }));
            }
            for (int r = 0; r < 4; r++) {
                work.add(pool.submit(() -> {
                    for (int round = 0; round < 15; round++) {
                        List<Map<String, Object>> results = batch(ownerToken, files);
                        assertEquals(files.size(), results.size());
                        for (int i = 0; i < files.size(); i++) {
                            Map<String, Object> result = results.get(i);
                            assertEquals(files.get(i), result.get("path"));
                            if (result.get("stat") != null) {
                                assertEquals(("c" + i).length(), ((Number) ((Map<?, ?>) result.get("stat"))
                                        .get("size")).intValue(), files.get(i));
                            } else {
                                assertEquals(404, ((Map<?, ?>) result.get("problem")).get("status"));
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> done : work) {
                done.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<Map<String, Object>> results = batch(ownerToken, files);
        for (int i = 0; i < files.size(); i++) {
            assertEquals(("c" + i).length(), ((Number) ((Map<?, ?>) results.get(i).get("stat")).get("size"))
                    .intValue());
        }
        // Replica health only when asked, and then what the file's own stat with it says.
        assertNull(((Map<?, ?>) results.getFirst().get("stat")).get("replicas"));
        String big = dir + "/a/big.bin";
        TestCalls.upload(ownerToken, big, TestCalls.random(64 * 1024, 7)).then().statusCode(201);
        // The last replica is copied after the commit: compare once the health has settled.
        Map<String, Object> own = Awaitility.await().atMost(Duration.ofSeconds(60)).until(
                () -> given().auth().oauth2(ownerToken).get("/api/v1/stat" + big + "?replicas=true").then()
                        .statusCode(200).extract().jsonPath().<String, Object>getMap("replicas"),
                health -> Integer.valueOf(1).equals(health.get("fullyReplicated")));
        assertEquals(1, own.get("chunks"), String.valueOf(own));
        Map<String, Object> batched = given().auth().oauth2(ownerToken).contentType("application/json")
                .body(Map.of("paths", List.of(big), "replicas", true)).post("/api/v1/stats").then()
                .statusCode(200).extract().jsonPath().getMap("results[0].stat.replicas");
        assertEquals(own, batched);
    }
    /** How many {@code POST /stats} calls the service has answered (its own HTTP metrics). */
    static double batchCalls() {
        String metrics = given().auth().oauth2(TestTokens.user("prometheus").roles("metrics").sign()).get("/q/metrics")
                .then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("http_server_requests_seconds_count")
                && l.contains("uri=\"/api/v1/stats\"")).mapToDouble(l -> Double.parseDouble(
                l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void theClientJoinsItsThreadsStatsIntoBatchesAndEachGetsItsOwnAnswer() throws Exception {
        String file = dir + "/a/b/f.txt";
        String other = dir + "/a/g.txt";
        String missing = dir + "/a/missing.txt";
        double before = batchCalls();
        // Batches leave from the event loop that received the previous answer; the token supplier
        // (which may block on a refresh) must still never be asked there.
        java.util.concurrent.atomic.AtomicInteger onEventLoop = new java.util.concurrent.atomic.AtomicInteger();
        java.util.function.Supplier<String> token = () -> {
            if (io.vertx.core.Context.isOnEventLoopThread()) {
                onEventLoop.incrementAndGet();
            }
            return ownerToken;
        };
        try (io.p2pfs.client.P2pfsClient client = io.p2pfs.client.P2pfsClient.builder()
                .metadata(MetadataTestResource.url()).token(token).statsInFlight(1)
                .build()) {
            // Alone: what GET /stat answers, and its 404 as the client's failure.
            assertEquals(7L, client.stat(file).size().longValue());
            var alone = org.junit.jupiter.api.Assertions.assertThrows(io.p2pfs.client.P2pfsException.class,
                    () -> client.stat(missing));
            assertEquals(404, alone.status());
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    work.add(pool.submit(() -> {
                        for (int i = 0; i < 40; i++) {
                            assertEquals("content".length(), client.stat(file).size().intValue());
                            assertEquals("other content".length(), client.stat(other).size().intValue());
                            var failed = org.junit.jupiter.api.Assertions.assertThrows(
                                    io.p2pfs.client.P2pfsException.class, () -> client.stat(missing));
                            assertEquals(404, failed.status());
                            assertEquals(alone.detail(), failed.detail());
                        }
                        return null;
                    }));
                }
                for (Future<?> done : work) {
                    done.get();
                }
            } finally {
                pool.shutdownNow();
            }
            // Many paths at once: one result each, in order.
            List<NamespaceApi.StatResult> results = client.stats(List.of(other, missing, file), false);
            assertEquals(List.of(other, missing, file), results.stream().map(NamespaceApi.StatResult::path).toList());
            assertEquals(404, results.get(1).problem().status());
            assertEquals(7L, results.get(2).stat().size().longValue());
        }
        assertTrue(batchCalls() > before + 1, "threads' stats went together in POST /stats calls");
        assertEquals(0, onEventLoop.get(), "the token supplier was asked on an event loop");
    }
}
