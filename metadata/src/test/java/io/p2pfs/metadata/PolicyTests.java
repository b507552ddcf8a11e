package io.p2pfs.metadata;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.testing.KafkaRecords;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Directory policies: inheritance, validation, events, the replication factor uploads use, retention. */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
class PolicyTests {

    static final String TOKEN = TestUsers.OWNER_TOKEN;

    String dir;

    @BeforeEach
    void freshDirectory() {
        TestPeers.atLeast(3);
        dir = "/" + TestUsers.OWNER + "/policies-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(TOKEN).post("/api/v1/dirs" + dir + "/sub/leaf?parents=true").then().statusCode(201);
    }

    static io.restassured.response.ValidatableResponse put(String token, String path, Map<String, Object> settings) {
        return given().auth().oauth2(token).contentType("application/json").body(settings)
                .put("/api/v1/policies" + path).then();
    }

    static Map<String, Object> settings(Object... pairs) {
        Map<String, Object> settings = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            settings.put((String) pairs[i], pairs[i + 1]);
        }
        return settings;
    }

    static long entryId(String path) {
        String etag = given().auth().oauth2(TOKEN).get("/api/v1/stat" + path).then().statusCode(200).extract()
                .path("etag");
        return Long.parseLong(etag.substring(1, etag.indexOf('.')));
    }

    @Test
    void concurrentFirstPoliciesOfADirectoryAllSucceedAndOneOfThemStands() throws Exception {
        int writers = 12;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Integer>> statuses = new java.util.ArrayList<>();
            for (int i = 0; i < writers; i++) {
                int keep = i + 1;
                statuses.add(pool.submit(() -> {
                    start.await();
                    return given().auth().oauth2(TOKEN).contentType("application/json")
                            .body(settings("keepVersions", keep)).put("/api/v1/policies" + dir).statusCode();
                }));
            }
            start.countDown();
            for (var status : statuses) {
                assertEquals(200, status.get());
            }
        } finally {
            pool.shutdownNow();
        }
        int stood = given().auth().oauth2(TOKEN).get("/api/v1/policies" + dir).then().statusCode(200).extract()
                .path("own.keepVersions");
        assertTrue(stood >= 1 && stood <= writers, "one writer's policy stands: " + stood);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(writers, KafkaRecords
                .events(io.p2pfs.common.events.Topics.ACLS, ev -> ev.path("type").asText().equals("policy.changed")
                        && ev.path("subject").asText().equals(dir)).size(), "every change is an event"));
    }

    @Test
    void withoutPoliciesTheServiceDefaultsApply() {
        given().auth().oauth2(TOKEN).get("/api/v1/policies" + dir).then().statusCode(200)
                .body("own.conflictStrategy", nullValue()).body("effective.conflictStrategy", equalTo("FAIL"))
                .body("effective.replicationFactor", equalTo(3)).body("effective.keepVersions", nullValue());
    }

    @Test
    void eachSettingIsInheritedFromTheNearestDirectoryThatSetsIt() {
        put(TOKEN, dir, settings("conflictStrategy", "KEEP_BOTH", "replicationFactor", 2, "keepVersions", 5))
                .statusCode(200).body("own.conflictStrategy", equalTo("KEEP_BOTH"));
        put(TOKEN, dir + "/sub", settings("replicationFactor", 1)).statusCode(200)
                .body("own.conflictStrategy", nullValue()).body("effective.conflictStrategy", equalTo("KEEP_BOTH"))
                .body("effective.replicationFactor", equalTo(1)).body("effective.keepVersions", equalTo(5));
        given().auth().oauth2(TOKEN).get("/api/v1/policies" + dir + "/sub/leaf").then().statusCode(200)
                .body("own.replicationFactor", nullValue()).body("effective.conflictStrategy", equalTo("KEEP_BOTH"))
                .body("effective.replicationFactor", equalTo(1));
        given().auth().oauth2(TOKEN).body("x").put("/api/v1/files" + dir + "/sub/leaf/f.txt").then().statusCode(201);
        given().auth().oauth2(TOKEN).get("/api/v1/policies" + dir + "/sub/leaf/f.txt").then().statusCode(200)
                .body("own", nullValue()).body("effective.replicationFactor", equalTo(1));
        // Unsetting the nearer directory's setting lets the farther one show through again.
        put(TOKEN, dir + "/sub", Map.of()).statusCode(200).body("effective.replicationFactor", equalTo(2));

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<JsonNode> changes = KafkaRecords.events("p2pfs.acls", ev -> ev.path("type").asText()
                    .equals("policy.changed") && ev.path("subject").asText().startsWith(dir));
            assertEquals(3, changes.size());
            JsonNode first = changes.stream().filter(ev -> ev.path("subject").asText().equals(dir)).findFirst()
                    .orElseThrow();
            assertEquals("KEEP_BOTH", first.path("data").path("details").path("after").path("conflictStrategy")
                    .asText());
            assertEquals(TestUsers.OWNER, first.path("data").path("actor").asText());
        });
    }

    @Test
    void invalidSettingsFilesStrangersAndTheRootAreRefused() {
        put(TOKEN, dir, settings("replicationFactor", 6)).statusCode(400).contentType("application/problem+json");
        put(TOKEN, dir, settings("replicationFactor", 0)).statusCode(400);
        put(TOKEN, dir, settings("keepVersions", 0)).statusCode(400);
        put(TOKEN, dir, settings("conflictStrategy", "COIN_TOSS")).statusCode(400);
        given().auth().oauth2(TOKEN).body("x").put("/api/v1/files" + dir + "/f.txt").then().statusCode(201);
        put(TOKEN, dir + "/f.txt", settings("replicationFactor", 2)).statusCode(409);
        put(TOKEN, dir + "/missing", settings("replicationFactor", 2)).statusCode(404);
        put(TestUsers.STRANGER_TOKEN, dir, settings("replicationFactor", 2)).statusCode(404);
        put(TOKEN, "/", settings("replicationFactor", 2)).statusCode(403);
    }

    @Test
    void aLockDoesNotBlockPolicyChanges() {
        given().auth().oauth2(TOKEN).contentType("application/json")
                .body(Map.of("mode", "EXCLUSIVE", "ttlSeconds", 120)).post("/api/v1/locks" + dir).then()
                .statusCode(201);
        // A lock guards content; whoever may change the policy still may, without the holder's token.
        put(TestUsers.OTHER_TOKEN, dir + "/sub", settings("conflictStrategy", "KEEP_BOTH")).statusCode(200)
                .body("effective.conflictStrategy", equalTo("KEEP_BOTH"));
        put(TOKEN, dir + "/sub", settings("conflictStrategy", "LAST_WRITER_WINS")).statusCode(200)
                .body("effective.conflictStrategy", equalTo("LAST_WRITER_WINS"));
    }

    /** Content above the size kept inline, so that versions have chunk references to prune. */
    static String chunked(String text) {
        return (text + " ").repeat(5000 / text.length() + 1);
    }

    @Test
    void uploadsUseTheReplicationFactorInEffect() {
        put(TOKEN, dir + "/sub", settings("replicationFactor", 1)).statusCode(200);
        String path = dir + "/sub/leaf/one-replica.bin";
        given().auth().oauth2(TOKEN).contentType("application/octet-stream").body(DataPathTests.random(5000, 77))
                .put("/api/v1/files" + path).then().statusCode(201).body("chunksSent", equalTo(1));
        long entry = entryId(path);
        assertEquals(List.of("1"), TestPeers.rows("SELECT DISTINCT c.replication_factor::text FROM chunks c "
                + "JOIN version_chunks vc ON vc.chunk_id = c.chunk_id WHERE vc.entry_id = " + entry));
        assertEquals(1, TestPeers.count("SELECT count(*) FROM replicas r JOIN version_chunks vc "
                + "ON vc.chunk_id = r.chunk_id WHERE vc.entry_id = " + entry));
    }

    @Test
    void retentionPrunesOldVersionsAndTheirChunkReferencesButNeverTheCurrentOne() {
        put(TOKEN, dir, settings("keepVersions", 2)).statusCode(200);
        String path = dir + "/sub/kept.txt";
        long chunksBefore = TestPeers.count("SELECT count(*) FROM chunks");
        for (int v = 1; v <= 4; v++) {
            given().auth().oauth2(TOKEN).body(chunked("version " + v)).put("/api/v1/files" + path).then()
                    .statusCode(v == 1 ? 201 : 200).body("version", equalTo(v));
        }
        long entry = entryId(path);
        given().auth().oauth2(TOKEN).get("/api/v1/versions" + path).then().statusCode(200)
                .body("version", equalTo(List.of(4, 3)));
        assertEquals(List.of("3", "4"), TestPeers.rows("SELECT DISTINCT version::text FROM version_chunks WHERE "
                + "entry_id = " + entry + " ORDER BY 1"));
        // The chunks stay for garbage collection to decide.
        assertTrue(TestPeers.count("SELECT count(*) FROM chunks") >= chunksBefore + 4);
        given().auth().oauth2(TOKEN).get("/api/v1/files" + path + "?version=1").then().statusCode(404);
        given().auth().oauth2(TOKEN).post("/api/v1/versions" + path + "/2/restore").then().statusCode(404);

        // A restore is a new version too, and retention applies to it.
        given().auth().oauth2(TOKEN).post("/api/v1/versions" + path + "/3/restore").then().statusCode(201)
                .body("version", equalTo(5));
        given().auth().oauth2(TOKEN).get("/api/v1/versions" + path).then().statusCode(200)
                .body("version", equalTo(List.of(5, 4)));
        given().auth().oauth2(TOKEN).get("/api/v1/files" + path).then().statusCode(200).body(equalTo(chunked("version 3")));

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<JsonNode> uploads = KafkaRecords.events("p2pfs.files", ev -> ev.path("type").asText()
                    .equals("file.uploaded") && ev.path("subject").asText().equals(path));
            assertEquals(4, uploads.size());
            assertTrue(uploads.stream().anyMatch(ev -> ev.path("data").path("details").path("prunedVersions")
                    .toString().equals("[2]")));
        });
    }

    @Test
    void keepDaysPrunesFilesNobodyWritesThroughTheSweep() {
        put(TOKEN, dir, settings("keepDays", 1)).statusCode(200);
        String path = dir + "/sub/idle.txt";
        for (int v = 1; v <= 3; v++) {
            given().auth().oauth2(TOKEN).body(chunked("idle " + v)).put("/api/v1/files" + path).then()
                    .statusCode(v == 1 ? 201 : 200);
        }
        long entry = entryId(path);
        given().auth().oauth2(TOKEN).get("/api/v1/versions" + path).then().statusCode(200)
                .body("version", equalTo(List.of(3, 2, 1)));
        // Versions 1 and 2 (and the current one) age past the policy; nobody writes the file again.
        assertEquals(3, TestPeers.count("WITH aged AS (UPDATE versions SET created_at = now() - interval '3 days' "
                + "WHERE entry_id = " + entry + " RETURNING 1) SELECT count(*) FROM aged"));
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                given().auth().oauth2(TOKEN).get("/api/v1/versions" + path).then().statusCode(200)
                        .body("version", equalTo(List.of(3))));
        assertEquals(List.of("3"), TestPeers.rows("SELECT DISTINCT version::text FROM version_chunks WHERE "
                + "entry_id = " + entry + " ORDER BY 1"));
        given().auth().oauth2(TOKEN).get("/api/v1/files" + path).then().statusCode(200).body(equalTo(chunked("idle 3")));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(1,
                KafkaRecords.events("p2pfs.files", ev -> ev.path("type").asText().equals("file.versions-pruned")
                        && ev.path("subject").asText().equals(path)
                        && ev.path("data").path("details").path("prunedVersions").toString().equals("[1,2]"))
                        .size()));
    }
}
