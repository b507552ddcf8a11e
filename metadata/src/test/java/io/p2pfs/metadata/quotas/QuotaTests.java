package io.p2pfs.metadata.quotas;

import static io.p2pfs.metadata.TestCalls.random;
import static io.p2pfs.metadata.TestCalls.upload;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.client.P2pfsClient;
import io.p2pfs.client.P2pfsException;
import io.p2pfs.client.api.Downloads;
import io.p2pfs.client.api.Uploads;
import io.p2pfs.client.transfer.ControlPlane;
import io.p2pfs.client.transfer.TransferSettings;
import io.p2pfs.client.transfer.Uploader;
import io.p2pfs.metadata.DirectClients;
import io.p2pfs.metadata.MetadataTestResource;
import io.p2pfs.metadata.TestCalls;
import io.p2pfs.metadata.TestPeers;
import io.p2pfs.metadata.TestUsers;
import io.p2pfs.testing.KafkaRecords;
import io.p2pfs.testing.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Exact per-user storage limits on the real database, peers and broker: commits on the direct
 * path and through the gateway are admitted against the owner's usage row under its lock,
 * everything that lets versions go gives their bytes back, and only administrators see
 * everyone's usage or set limits.
 */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
class QuotaTests {

    static final String ADMIN = "quota-admin";
    /** The service's default limit (p2pfs.quotas.default-bytes=100G). */
    static final long DEFAULT_LIMIT = 100L << 30;

    final String tag = TestCalls.tag();
    final String user = "qu-" + tag;
    String token;
    String adminToken;
    String dir;

    @BeforeEach
    void aUserWithAHome() {
        TestPeers.atLeast(3);
        token = TestUsers.token(user);
        TestUsers.register(ADMIN);
        adminToken = TestTokens.user(ADMIN).roles("user", "admin").sign();
        dir = "/" + user + "/quota-" + tag;
        TestCalls.home(token, dir);
    }

    static Response setLimit(String adminToken, String userId, Object limitBytes) {
        Map<String, Object> body = new HashMap<>();
        body.put("limitBytes", limitBytes);
        return given().auth().oauth2(adminToken).contentType("application/json").body(body)
                .put("/api/v1/admin/usage/" + userId);
    }

    static long used(String userId) {
        return TestPeers.count("SELECT coalesce(max(used_bytes), 0) FROM user_usage WHERE user_id = '" + userId + "'");
    }

    /** The sizes of every version of the files {@code userId} owns, counted from the versions themselves. */
    static long storedBytes(String userId) {
        return TestPeers.count("SELECT coalesce(sum(v.size), 0) FROM versions v JOIN entries e "
                + "ON e.entry_id = v.entry_id WHERE e.owner_id = '" + userId + "'");
    }

    static List<JsonNode> quotaExceeded(String actor) {
        return KafkaRecords.events("p2pfs.access", ev -> ev.path("type").asText().equals("quota.exceeded")
                && ev.path("data").path("actor").asText().equals(actor));
    }

    static long member(P2pfsException refused, String name) {
        Object value = refused.problem().get(name);
        assertNotNull(value, name + " in " + refused.problem());
        return ((Number) value).longValue();
    }

    /**
     * The client's own control plane, except that each commit waits until all of them are ready,
     * so that the twenty commits reach the service together rather than as their uploads finish.
     */
    static ControlPlane committingTogether(ControlPlane control, CyclicBarrier barrier) {
        return new ControlPlane() {
            @Override
            public Uploads.Session begin(Uploads.Begin begin, Set<String> lockTokens) {
                return control.begin(begin, lockTokens);
            }

            @Override
            public Uploads.Placements place(UUID uploadId, Uploads.PlacementRequest request) {
                return control.place(uploadId, request);
            }

            @Override
            public Uploads.Result commit(UUID uploadId, Uploads.Commit commit, Set<String> lockTokens) {
                try {
                    barrier.await(120, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("the other commits never came", e);
                }
                return control.commit(uploadId, commit, lockTokens);
            }

            @Override
            public void abort(UUID uploadId) {
                control.abort(uploadId);
            }

            @Override
            public Downloads.ManifestPage manifest(String path, Integer version, long offset, Long length) {
                return control.manifest(path, version, offset, length);
            }

            @Override
            public void report(Downloads.ReplicaReport report) {
                control.report(report);
            }
        };
    }

    @Test
    void ofTwentyConcurrentCommitsExactlyThoseThatFitAreAdmitted() throws Exception {
        int size = 64 * 1024;
        long limit = 10L * size;
        setLimit(adminToken, user, limit).then().statusCode(200).body("limitBytes", equalTo((int) limit));
        P2pfsClient client = DirectClients.of(user);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        ExecutorService cpu = Executors.newFixedThreadPool(2);
        Uploader uploader = new Uploader(client.transport(), cpu, TransferSettings.defaults().withSmallFileBytes(0));
        ControlPlane control = committingTogether(client.controlPlane(), new CyclicBarrier(20));
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong highest = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (running.get()) {
                highest.accumulateAndGet(used(user), Math::max);
            }
        });
        sampler.start();
        List<Future<Object>> outcomes = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                String path = dir + "/f" + i + ".bin";
                byte[] content = random(size, 1000 + i);
                outcomes.add(pool.submit(() -> {
                    try {
                        return uploader.upload(control, path, new ByteArrayInputStream(content),
                                Uploader.Options.none());
                    } catch (P2pfsException e) {
                        return e;
                    }
                }));
            }
            int committed = 0;
            List<P2pfsException> refused = new ArrayList<>();
            for (Future<Object> outcome : outcomes) {
                Object result = outcome.get(180, TimeUnit.SECONDS);
                if (result instanceof Uploader.Outcome) {
                    committed++;
                } else {
                    refused.add((P2pfsException) result);
                }
            }
            assertEquals(10, committed, "committed");
            assertEquals(10, refused.size(), "refused");
            for (P2pfsException e : refused) {
                assertEquals(507, e.status(), e.toString());
                assertEquals(limit, member(e, "limit"));
                assertEquals(size, member(e, "requested"));
                // Equal sizes: a commit is refused only once ten are in.
                assertEquals(limit, member(e, "usage"));
                assertEquals(user, e.problem().get("userId"));
            }
        } finally {
            running.set(false);
            sampler.join();
            pool.shutdownNow();
            cpu.shutdownNow();
        }
        assertEquals(10, TestPeers.count("SELECT count(*) FROM versions v JOIN entries e ON e.entry_id = v.entry_id "
                + "WHERE e.owner_id = '" + user + "'"));
        assertEquals(limit, storedBytes(user));
        assertEquals(limit, used(user));
        assertTrue(highest.get() <= limit, "usage reached " + highest.get() + " over a limit of " + limit);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<JsonNode> denied = quotaExceeded(user);
            assertEquals(10, denied.size());
            assertEquals("DENIED", denied.get(0).path("data").path("outcome").asText());
            assertEquals(limit, denied.get(0).path("data").path("details").path("limit").asLong());
            assertEquals(java.util.UUID.nameUUIDFromBytes(user.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .toString(), denied.get(0).path("data").path("actorSubject").asText(), "the token's subject");
        });
    }

    @Test
    void deletingAFileFreesItsBytesForTheNextUpload() {
        setLimit(adminToken, user, 2000).then().statusCode(200);
        upload(token, dir + "/a.bin", random(1000, 1)).then().statusCode(201);
        upload(token, dir + "/b.bin", random(1000, 2)).then().statusCode(201);
        upload(token, dir + "/c.bin", random(1000, 3)).then().statusCode(507);
        given().auth().oauth2(token).delete("/api/v1/files" + dir + "/a.bin").then().statusCode(204);
        assertEquals(1000, used(user));
        upload(token, dir + "/c.bin", random(1000, 3)).then().statusCode(201);
        assertEquals(2000, used(user));
        assertEquals(2000, storedBytes(user));
    }

    @Test
    void aRecursiveDeleteFreesEverythingBelow() {
        TestCalls.mkdirs(token, dir + "/tree/sub");
        upload(token, dir + "/tree/one.bin", random(700, 1)).then().statusCode(201);
        upload(token, dir + "/tree/sub/two.bin", random(300, 2)).then().statusCode(201);
        upload(token, dir + "/tree/sub/two.bin", random(400, 3)).then().statusCode(200);
        assertEquals(1400, used(user));
        given().auth().oauth2(token).delete("/api/v1/files" + dir + "/tree?recursive=true").then().statusCode(204);
        assertEquals(0, used(user));
        assertEquals(0, storedBytes(user));
    }

    @Test
    void anOverwriteWhoseRetentionLetsTheOldVersionGoFitsAtTheLimit() {
        given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("replicationFactor", 2, "keepVersions", 1)).put("/api/v1/policies" + dir).then()
                .statusCode(200);
        setLimit(adminToken, user, 1000).then().statusCode(200);
        String path = dir + "/rolling.bin";
        upload(token, path, random(1000, 1)).then().statusCode(201);
        upload(token, path, random(1000, 2)).then().statusCode(200);
        assertEquals(1000, used(user));
        // One byte more than the version it replaces does not fit.
        upload(token, path, random(1001, 3)).then().statusCode(507).body("usage", equalTo(1000))
                .body("requested", equalTo(1001));
        given().auth().oauth2(token).get("/api/v1/versions" + path).then().statusCode(200)
                .body("version", equalTo(List.of(2)));
        assertEquals(1000, storedBytes(user));
    }

    @Test
    void versionsTheSweepExpiresFreeTheirBytes() {
        given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("replicationFactor", 2, "keepDays", 1)).put("/api/v1/policies" + dir).then()
                .statusCode(200);
        String path = dir + "/idle.bin";
        upload(token, path, random(100, 1)).then().statusCode(201);
        upload(token, path, random(200, 2)).then().statusCode(200);
        upload(token, path, random(300, 3)).then().statusCode(200);
        assertEquals(600, used(user));
        TestPeers.count("WITH aged AS (UPDATE versions v SET created_at = now() - interval '3 days' FROM entries e "
                + "WHERE e.entry_id = v.entry_id AND e.owner_id = '" + user + "' RETURNING 1) SELECT count(*) FROM aged");
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(300, used(user)));
        assertEquals(300, storedBytes(user));
    }

    @Test
    void theGatewayIsRefusedWithTheUsageAndTheLimitAndStoresNothing() {
        setLimit(adminToken, user, 100).then().statusCode(200);
        upload(token, dir + "/small.txt", random(60, 1)).then().statusCode(201);
        String path = dir + "/too-big.bin";
        upload(token, path, random(41, 2)).then().statusCode(507).contentType(startsWith("application/problem+json"))
                .body("status", equalTo(507)).body("usage", equalTo(60)).body("limit", equalTo(100))
                .body("requested", equalTo(41)).body("userId", equalTo(user));
        assertEquals(404, TestCalls.stat(token, path));
        assertEquals(60, used(user));
        upload(token, dir + "/exact.bin", random(40, 3)).then().statusCode(201);
        assertEquals(100, used(user));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(1,
                quotaExceeded(user).stream().filter(ev -> ev.path("subject").asText().equals(path)).count()));
    }

    @Test
    void usageReportsWhatIsStored() {
        upload(token, dir + "/one.bin", random(5000, 1)).then().statusCode(201);
        upload(token, dir + "/one.bin", random(7000, 2)).then().statusCode(200);
        upload(token, dir + "/two.bin", random(4500, 3)).then().statusCode(201);
        // The same content again: a new version, but no new chunk. (Sizes above what is kept inline:
        // these are chunk figures.)
        upload(token, dir + "/copy.bin", random(4500, 3)).then().statusCode(201);
        long cipher = TestPeers.count("SELECT sum(c.cipher_size) FROM chunks c WHERE c.chunk_id IN (SELECT "
                + "vc.chunk_id FROM version_chunks vc JOIN entries e ON e.entry_id = vc.entry_id "
                + "WHERE e.owner_id = '" + user + "')");
        // Each chunk is its content and a 16-byte tag.
        assertEquals(5000 + 7000 + 4500 + 3 * 16, cipher);
        given().auth().oauth2(token).get("/api/v1/usage").then().statusCode(200)
                .body("userId", equalTo(user))
                .body("logicalBytes", equalTo(21000))
                .body("physicalBytes", equalTo((int) cipher))
                .body("replicatedBytes", equalTo((int) cipher * 2))
                .body("files", equalTo(3)).body("versions", equalTo(4))
                .body("limitBytes", equalTo(DEFAULT_LIMIT)).body("limitSource", equalTo("default"))
                .body("availableBytes", equalTo(DEFAULT_LIMIT - 21000));
        assertEquals(21000, storedBytes(user));
        assertEquals(21000, used(user));
    }

    @Test
    void aWriteIsChargedToTheFilesOwnerAndAMoveChangesNothing() {
        String writer = "qw-" + tag;
        String writerToken = TestUsers.token(writer);
        String path = dir + "/shared.bin";
        upload(token, path, random(1000, 1)).then().statusCode(201);
        TestCalls.putAcl(token, path, TestCalls.acl(true, "user:" + writer, "READ", "WRITE"));
        upload(writerToken, path, random(2500, 2)).then().statusCode(200);
        assertEquals(3500, used(user));
        assertEquals(0, used(writer));
        // The owner's limit decides, whoever writes; the refusal says whose limit it was.
        setLimit(adminToken, user, 4000).then().statusCode(200);
        upload(writerToken, path, random(501, 3)).then().statusCode(507).body("userId", equalTo(user));
        TestCalls.move(token, path, dir + "/moved.bin").then().statusCode(200);
        assertEquals(3500, used(user));
        given().auth().oauth2(token).get("/api/v1/usage").then().statusCode(200).body("logicalBytes", equalTo(3500));
    }

    @Test
    void onlyAdministratorsSeeEveryonesUsageOrSetLimits() {
        given().auth().oauth2(token).get("/api/v1/admin/usage").then().statusCode(403)
                .contentType(startsWith("application/problem+json"));
        given().auth().oauth2(token).get("/api/v1/admin/usage/" + user).then().statusCode(403);
        setLimit(token, user, 1L << 40).then().statusCode(403).contentType(startsWith("application/problem+json"));
        given().auth().oauth2(token).get("/api/v1/usage").then().statusCode(200).body("limitSource", equalTo("default"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertTrue(TestCalls
                .accessDenied(user).stream().anyMatch(ev -> ev.path("subject").asText().startsWith("/api/v1/admin/usage"))));
        given().get("/api/v1/usage").then().statusCode(401);
    }

    @Test
    void badLimitsAreRefusedAndUnknownUsersAreNotFound() {
        for (String body : List.of("{}", "{\"limitBytes\": -1}", "{\"limitBytes\": \"10G\"}", "{\"limitBytes\": 1.5}",
                "{\"limitBytes\": 1, \"other\": 2}", "[1]", "{\"limitBytes\": 99999999999999999999}", "{\"limitBytes\":")) {
            given().auth().oauth2(adminToken).contentType("application/json").body(body)
                    .put("/api/v1/admin/usage/" + user).then().statusCode(400)
                    .contentType(startsWith("application/problem+json"));
        }
        setLimit(adminToken, "nobody-" + tag, 10).then().statusCode(404).contentType(startsWith("application/problem+json"));
        given().auth().oauth2(adminToken).get("/api/v1/admin/usage/nobody-" + tag).then().statusCode(404);
        given().auth().oauth2(adminToken).queryParam("cursor", "!not base64!").get("/api/v1/admin/usage").then()
                .statusCode(400);
        given().auth().oauth2(adminToken).get("/api/v1/admin/usage?limit=0").then().statusCode(400);
        // Text the database cannot hold (a NUL) is the caller's fault: 400, never a server error.
        given().auth().oauth2(adminToken).urlEncodingEnabled(true).get("/api/v1/admin/usage/{id}", "a\u0000b")
                .then().statusCode(400).contentType(startsWith("application/problem+json"));
        given().auth().oauth2(adminToken).contentType("application/json").body("{\"limitBytes\": 10}")
                .put("/api/v1/admin/usage/{id}", "a\u0000b").then().statusCode(400)
                .contentType(startsWith("application/problem+json"));
        given().auth().oauth2(adminToken).queryParam("cursor", java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("\u0000".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .get("/api/v1/admin/usage").then().statusCode(400);
        assertEquals(0, TestPeers.count("SELECT count(*) FROM user_usage WHERE limit_bytes IS NOT NULL "
                + "AND user_id = '" + user + "'"));
    }

    @Test
    void anAdministratorsLimitAppliesFromTheNextCommitAndIsAudited() {
        upload(token, dir + "/first.bin", random(800, 1)).then().statusCode(201);
        setLimit(adminToken, user, 1000).then().statusCode(200).body("limitBytes", equalTo(1000))
                .body("limitSource", equalTo("user")).body("availableBytes", equalTo(200))
                .body("logicalBytes", equalTo(800));
        upload(token, dir + "/second.bin", random(201, 2)).then().statusCode(507).body("limit", equalTo(1000));
        // A restore is a new version too.
        given().auth().oauth2(token).post("/api/v1/versions" + dir + "/first.bin/1/restore").then().statusCode(507);
        setLimit(adminToken, user, 0).then().statusCode(200).body("limitBytes", equalTo(null))
                .body("availableBytes", equalTo(null)).body("limitSource", equalTo("user"));
        upload(token, dir + "/second.bin", random(201, 2)).then().statusCode(201);
        setLimit(adminToken, user, null).then().statusCode(200).body("limitBytes", equalTo(DEFAULT_LIMIT))
                .body("limitSource", equalTo("default"));
        given().auth().oauth2(adminToken).get("/api/v1/admin/usage/" + user).then().statusCode(200)
                .body("logicalBytes", equalTo(1001)).body("files", equalTo(2));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<JsonNode> changes = KafkaRecords.events("p2pfs.acls", ev -> ev.path("type").asText()
                    .equals("quota.changed") && ev.path("data").path("details").path("userId").asText().equals(user));
            assertEquals(3, changes.size());
            assertEquals(ADMIN, changes.get(0).path("data").path("actor").asText());
            JsonNode before = changes.get(0).path("data").path("details").path("before");
            assertTrue(before.isNull() || before.isMissingNode(), before.toString());
            assertEquals(1000, changes.get(0).path("data").path("details").path("after").asLong());
            JsonNode cleared = changes.get(2).path("data").path("details").path("after");
            assertTrue(cleared.isNull() || cleared.isMissingNode(), cleared.toString());
        });
    }

    @Test
    void administratorsPageThroughEveryUser() {
        upload(token, dir + "/paged.bin", random(1234, 1)).then().statusCode(201);
        String cursor = null;
        JsonNode found = null;
        int pages = 0;
        Instant started = Instant.now();
        do {
            var request = given().auth().oauth2(adminToken).queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonNode page = KafkaRecords.parse(request.get("/api/v1/admin/usage").then().statusCode(200).extract()
                    .asString());
            assertTrue(page.path("users").size() <= 2);
            for (JsonNode usage : page.path("users")) {
                if (usage.path("userId").asText().equals(user)) {
                    found = usage;
                }
            }
            cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
            pages++;
        } while (cursor != null && Duration.between(started, Instant.now()).toSeconds() < 60);
        assertNotNull(found, "the user on one of " + pages + " pages");
        assertEquals(1234, found.path("logicalBytes").asLong());
        assertEquals(1, found.path("files").asLong());
    }
}
