package io.p2pfs.metadata;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.testing.KafkaRecords;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Leased locks against the real database and broker: who is refused, who may write, expiry, renewal, events. */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
class LockTests {

    static final String OWNER_TOKEN = TestUsers.OWNER_TOKEN;
    static final String OTHER_TOKEN = TestUsers.OTHER_TOKEN;

    String dir;

    @BeforeEach
    void freshDirectory() {
        TestPeers.atLeast(3);
        dir = "/" + TestUsers.OWNER + "/locks-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(OWNER_TOKEN).post("/api/v1/dirs" + dir).then().statusCode(201);
        // Two replicas are enough here and spare the machine.
        given().auth().oauth2(OWNER_TOKEN).contentType("application/json").body(Map.of("replicationFactor", 2))
                .put("/api/v1/policies" + dir).then().statusCode(200);
    }

    static Response upload(String token, String path, String content, String lockToken) {
        var request = given().auth().oauth2(token).contentType("application/octet-stream")
                .body(content.getBytes(StandardCharsets.UTF_8));
        if (lockToken != null) {
            request.header("Lock-Token", lockToken);
        }
        return request.put("/api/v1/files" + path);
    }

    static Response lock(String token, String path, String mode, int ttlSeconds) {
        return given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("mode", mode, "ttlSeconds", ttlSeconds)).post("/api/v1/locks" + path);
    }

    static String acquire(String token, String path, String mode, int ttlSeconds) {
        return lock(token, path, mode, ttlSeconds).then().statusCode(201).extract().path("lockToken");
    }

    static List<JsonNode> lockEvents(String type, String path) {
        return KafkaRecords.events("p2pfs.locks", ev -> ev.path("type").asText().equals(type)
                && ev.path("subject").asText().equals(path));
    }

    @Test
    void anExclusiveLockRefusesOthersWith423AndLetsTheHolderWriteWithItsToken() {
        String file = dir + "/report.txt";
        upload(OWNER_TOKEN, file, "v1", null).then().statusCode(201);
        Response granted = lock(OWNER_TOKEN, file, "EXCLUSIVE", 120);
        granted.then().statusCode(201).body("mode", equalTo("EXCLUSIVE")).body("owner", equalTo(TestUsers.OWNER));
        String token = granted.path("lockToken");
        assertTrue(Instant.parse(granted.path("expiresAt")).isAfter(Instant.now().plusSeconds(100)));

        Response refused = upload(OTHER_TOKEN, file, "intruder", null);
        refused.then().statusCode(423).contentType("application/problem+json")
                .body("holder", equalTo(TestUsers.OWNER)).body("mode", equalTo("EXCLUSIVE"))
                .body("expiresAt", equalTo(granted.<String>path("expiresAt")));
        assertFalse(refused.asString().contains(token), "a refusal never shows the token");
        given().auth().oauth2(OTHER_TOKEN).delete("/api/v1/files" + file).then().statusCode(423);
        given().auth().oauth2(OTHER_TOKEN).post("/api/v1/versions" + file + "/1/restore").then().statusCode(423);
        lock(OTHER_TOKEN, file, "SHARED", 60).then().statusCode(423).body("holder", equalTo(TestUsers.OWNER));
        // The holder too must present its token; a wrong one is no better than none.
        upload(OWNER_TOKEN, file, "forgot the token", null).then().statusCode(423);
        upload(OWNER_TOKEN, file, "wrong token", "not-the-token").then().statusCode(423);

        upload(OWNER_TOKEN, file, "v2 by the holder", token).then().statusCode(200).body("version", equalTo(2));
        given().auth().oauth2(OWNER_TOKEN).header("Lock-Token", "<" + token + ">")
                .post("/api/v1/versions" + file + "/1/restore").then().statusCode(201).body("version", equalTo(3));
        // Reads are never blocked.
        given().auth().oauth2(OTHER_TOKEN).get("/api/v1/files" + file).then().statusCode(200)
                .body(equalTo("v1"));
        given().auth().oauth2(OTHER_TOKEN).get("/api/v1/stat" + file).then().statusCode(200);
        given().auth().oauth2(OWNER_TOKEN).get("/api/v1/locks" + file).then().statusCode(200)
                .body("owner", equalTo(List.of(TestUsers.OWNER))).body("path", equalTo(List.of(file)))
                .body(not(containsString(token)));

        given().auth().oauth2(OWNER_TOKEN).header("Lock-Token", token).delete("/api/v1/locks" + file)
                .then().statusCode(204);
        upload(OTHER_TOKEN, file, "after release", null).then().statusCode(200).body("version", equalTo(4));

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertEquals(1, lockEvents("lock.acquired", file).size());
            assertEquals(1, lockEvents("lock.released", file).size());
            List<JsonNode> denied = lockEvents("lock.denied", file);
            assertEquals(6, denied.size(), denied.toString());
            assertTrue(denied.stream().allMatch(ev -> ev.path("data").path("outcome").asText().equals("DENIED")
                    && ev.path("data").path("details").path("holder").asText().equals(TestUsers.OWNER)));
            assertTrue(denied.stream().anyMatch(ev -> ev.path("data").path("actor").asText().equals(TestUsers.OTHER)
                    && ev.path("data").path("details").path("operation").asText().equals("lock")
                    && ev.path("data").path("details").path("requestedMode").asText().equals("SHARED")));
            assertTrue(denied.stream().noneMatch(ev -> ev.toString().contains(token)));
        });
    }

    @Test
    void sharedLocksCoexistBlockWritersAndExclusiveLocksButNotReaders() {
        String file = dir + "/shared.txt";
        upload(OWNER_TOKEN, file, "content", null).then().statusCode(201);
        String mine = acquire(OWNER_TOKEN, file, "SHARED", 120);
        String theirs = acquire(OTHER_TOKEN, file, "SHARED", 120);

        lock(OTHER_TOKEN, file, "EXCLUSIVE", 60).then().statusCode(423);
        lock(OWNER_TOKEN, file, "EXCLUSIVE", 60).then().statusCode(423);
        // A SHARED holder's token does not outweigh the other holder's SHARED lock.
        upload(OWNER_TOKEN, file, "mine", mine).then().statusCode(423).body("holder", equalTo(TestUsers.OTHER));
        upload(OTHER_TOKEN, file, "theirs", theirs).then().statusCode(423).body("holder", equalTo(TestUsers.OWNER));
        given().auth().oauth2(OTHER_TOKEN).get("/api/v1/files" + file).then().statusCode(200).body(equalTo("content"));
        given().auth().oauth2(OWNER_TOKEN).get("/api/v1/locks" + file).then().statusCode(200)
                .body("mode", equalTo(List.of("SHARED", "SHARED")));

        given().auth().oauth2(OTHER_TOKEN).header("Lock-Token", theirs).delete("/api/v1/locks" + file)
                .then().statusCode(204);
        upload(OWNER_TOKEN, file, "mine", mine).then().statusCode(200);

        // And the other way round: an EXCLUSIVE lock refuses a SHARED one.
        String otherFile = dir + "/exclusive.txt";
        upload(OWNER_TOKEN, otherFile, "x", null).then().statusCode(201);
        acquire(OWNER_TOKEN, otherFile, "EXCLUSIVE", 120);
        lock(OTHER_TOKEN, otherFile, "SHARED", 60).then().statusCode(423);
        lock(OTHER_TOKEN, otherFile, "EXCLUSIVE", 60).then().statusCode(423);
    }

    @Test
    void aDirectoryLockCoversItsSubtreeAndConflictsWithLocksAboveAndBelow() {
        String sub = dir + "/sub";
        given().auth().oauth2(OWNER_TOKEN).post("/api/v1/dirs" + sub + "/deeper?parents=true").then().statusCode(201);
        upload(OWNER_TOKEN, sub + "/deeper/inside.txt", "inside", null).then().statusCode(201);
        String token = acquire(OWNER_TOKEN, sub, "EXCLUSIVE", 120);

        upload(OTHER_TOKEN, sub + "/deeper/inside.txt", "x", null).then().statusCode(423);
        upload(OTHER_TOKEN, sub + "/new.txt", "x", null).then().statusCode(423);
        given().auth().oauth2(OTHER_TOKEN).post("/api/v1/dirs" + sub + "/newdir").then().statusCode(423);
        given().auth().oauth2(OTHER_TOKEN).delete("/api/v1/files" + sub + "/deeper/inside.txt").then().statusCode(423);
        lock(OTHER_TOKEN, sub + "/deeper/inside.txt", "SHARED", 60).then().statusCode(423);
        lock(OTHER_TOKEN, dir, "SHARED", 60).then().statusCode(423);
        given().auth().oauth2(OTHER_TOKEN).get("/api/v1/locks" + sub + "/deeper/inside.txt").then().statusCode(200)
                .body("path", equalTo(List.of(sub)));

        // Outside the subtree nothing is locked.
        upload(OTHER_TOKEN, dir + "/beside.txt", "beside", null).then().statusCode(201);
        // The holder writes anywhere below with its token.
        upload(OWNER_TOKEN, sub + "/deeper/inside.txt", "by holder", token).then().statusCode(200);
        upload(OWNER_TOKEN, sub + "/new.txt", "by holder", token).then().statusCode(201);
    }

    @Test
    void aLockOfAVanishedHolderExpiresWithinItsTtlAndAFewSecondsAndIsAnnounced() {
        String file = dir + "/vanishing.txt";
        upload(OWNER_TOKEN, file, "content", null).then().statusCode(201);
        String token = acquire(OWNER_TOKEN, file, "EXCLUSIVE", 2);
        upload(OTHER_TOKEN, file, "too early", null).then().statusCode(423);

        // The holder never renews nor releases; within TTL + a few seconds the lock is gone.
        Awaitility.await().atMost(Duration.ofSeconds(2 + 5)).pollInterval(Duration.ofMillis(200))
                .until(() -> lock(OTHER_TOKEN, file, "EXCLUSIVE", 60).statusCode() == 201);
        upload(OWNER_TOKEN, file, "late holder", token).then().statusCode(423).body("holder", equalTo(TestUsers.OTHER));
        given().auth().oauth2(OWNER_TOKEN).header("Lock-Token", token).contentType("application/json").body("{}")
                .put("/api/v1/locks" + file).then().statusCode(412);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<JsonNode> expired = lockEvents("lock.expired", file);
            assertEquals(1, expired.size());
            assertEquals(TestUsers.OWNER, expired.get(0).path("data").path("details").path("owner").asText());
        });
        assertEquals(0, TestPeers.count("SELECT count(*) FROM locks WHERE owner_id = '" + TestUsers.OWNER
                + "' AND expires_at < now() - interval '5 seconds'"));
    }

    @Test
    void renewingExtendsTheLeaseBeyondItsFirstExpiry() {
        String file = dir + "/renewed.txt";
        upload(OWNER_TOKEN, file, "content", null).then().statusCode(201);
        Response granted = lock(OWNER_TOKEN, file, "EXCLUSIVE", 2);
        String token = granted.path("lockToken");
        Instant firstExpiry = Instant.parse(granted.path("expiresAt"));

        Response renewed = given().auth().oauth2(OWNER_TOKEN).header("Lock-Token", token)
                .contentType("application/json").body(Map.of("ttlSeconds", 60)).put("/api/v1/locks" + file);
        renewed.then().statusCode(200).body("ttlSeconds", equalTo(60)).body("owner", equalTo(TestUsers.OWNER));
        assertTrue(Instant.parse(renewed.path("expiresAt")).isAfter(firstExpiry.plusSeconds(50)));
        given().auth().oauth2(OTHER_TOKEN).header("Lock-Token", token).contentType("application/json").body("{}")
                .put("/api/v1/locks" + file).then().statusCode(412);

        // Once the first expiry (and a sweep or two) has passed, the lock still binds.
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> Instant.now().isAfter(firstExpiry.plusSeconds(3)));
        upload(OTHER_TOKEN, file, "x", null).then().statusCode(423);
        upload(OWNER_TOKEN, file, "by holder", token).then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertEquals(1, lockEvents("lock.renewed", file).size());
            assertEquals(0, lockEvents("lock.expired", file).size());
        });
    }

    @Test
    void badLockRequestsAreRefusedPlainly() {
        String file = dir + "/bad.txt";
        upload(OWNER_TOKEN, file, "content", null).then().statusCode(201);
        lock(OWNER_TOKEN, file, "EXCLUSIVE", 0).then().statusCode(400).contentType("application/problem+json");
        lock(OWNER_TOKEN, file, "EXCLUSIVE", 3601).then().statusCode(400);
        lock(OWNER_TOKEN, dir + "/missing.txt", "EXCLUSIVE", 60).then().statusCode(404);
        given().auth().oauth2(OWNER_TOKEN).contentType("application/json").body("{\"mode\":\"FOREVER\"}")
                .post("/api/v1/locks" + file).then().statusCode(400);
        given().auth().oauth2(OWNER_TOKEN).delete("/api/v1/locks" + file).then().statusCode(400);
        lock(OWNER_TOKEN, "/", "EXCLUSIVE", 60).then().statusCode(403);
        // A stranger may not see the file: answered as a missing one.
        lock(TestUsers.STRANGER_TOKEN, file, "EXCLUSIVE", 60).then().statusCode(404);
    }
}
