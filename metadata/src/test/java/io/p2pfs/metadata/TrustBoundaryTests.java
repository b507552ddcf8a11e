package io.p2pfs.metadata;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.common.events.Topics;
import io.p2pfs.testing.KafkaBroker;
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
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a user with a login may not do to another: lock the owner out, keep writing after a
 * revoke, learn names it may not read, or flood the audit log anonymously. Each test fails on
 * a service that lets it happen.
 */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
class TrustBoundaryTests {

    @jakarta.inject.Inject
    com.fasterxml.jackson.databind.ObjectMapper json;

    /** A storage peer's own Kafka principal, with exactly what the broker lets any peer do. */
    static final String FORGER = KafkaBroker.shared().newPeer();

    String tag;
    String owner;
    String ownerToken;
    String grantee;
    String granteeToken;
    String strangerToken;
    String dir;

    @BeforeEach
    void people() {
        TestPeers.atLeast(3);
        tag = TestCalls.tag();
        owner = "tbo-" + tag;
        grantee = "tbg-" + tag;
        ownerToken = TestUsers.token(owner);
        granteeToken = TestUsers.token(grantee);
        strangerToken = TestUsers.token("tbs-" + tag);
        dir = "/" + owner + "/tb-" + tag;
        TestCalls.home(ownerToken, dir);
    }

    static Response lock(String token, String path) {
        return given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("mode", "EXCLUSIVE", "ttlSeconds", 600)).post("/api/v1/locks" + path);
    }

    static Response breakLocks(String token, String path) {
        return given().auth().oauth2(token).delete("/api/v1/locks" + path + "?break=true");
    }

    @Test
    void theOwnerBreaksAGranteesLockChangesTheAclUnderItAndTheBreakIsAudited() {
        TestCalls.putAcl(ownerToken, dir, TestCalls.acl(true, "user:" + grantee, "READ", "WRITE"));
        String held = lock(granteeToken, dir).then().statusCode(201).extract().path("lockToken");
        TestCalls.upload(ownerToken, dir + "/mine.txt", "owner".getBytes()).then().statusCode(423);

        // Neither the ACL nor the policy is held hostage by the lock: the owner revokes the grantee under it.
        given().auth().oauth2(ownerToken).contentType("application/json")
                .body(TestCalls.acl(true, "user:" + grantee, "READ")).put("/api/v1/acl" + dir).then().statusCode(200);
        given().auth().oauth2(ownerToken).contentType("application/json").body(Map.of("replicationFactor", 3))
                .put("/api/v1/policies" + dir).then().statusCode(200);
        // A revoked writer cannot keep its lock alive.
        given().auth().oauth2(granteeToken).header("Lock-Token", held).contentType("application/json")
                .body(Map.of("ttlSeconds", 600)).put("/api/v1/locks" + dir).then().statusCode(403);

        // Someone with neither ownership nor SHARE may not break it; one who cannot even see the directory learns nothing.
        breakLocks(granteeToken, dir).then().statusCode(403);
        breakLocks(strangerToken, dir).then().statusCode(404);
        TestCalls.upload(ownerToken, dir + "/mine.txt", "owner".getBytes()).then().statusCode(423);

        breakLocks(ownerToken, dir).then().statusCode(200).body("broken.owner", equalTo(List.of(grantee)))
                .body("broken.path", equalTo(List.of(dir))).body(not(org.hamcrest.Matchers.containsString(held)));
        TestCalls.upload(ownerToken, dir + "/mine.txt", "owner".getBytes()).then().statusCode(201);
        breakLocks(ownerToken, dir).then().statusCode(404);
        // The broken lock's token holds nothing any more.
        given().auth().oauth2(granteeToken).header("Lock-Token", held).delete("/api/v1/locks" + dir).then()
                .statusCode(412);

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<JsonNode> broken = KafkaRecords.events(Topics.LOCKS, ev -> ev.path("type").asText()
                    .equals("lock.broken") && ev.path("subject").asText().equals(dir));
            assertEquals(1, broken.size(), broken.toString());
            assertEquals(owner, broken.get(0).path("data").path("actor").asText());
            assertEquals(owner, broken.get(0).path("data").path("details").path("brokenBy").asText());
            assertEquals(grantee, broken.get(0).path("data").path("details").path("owner").asText());
        });
    }

    @Test
    void aShareHolderAndAnAdminMayBreakALockToo() {
        String share = "tbh-" + tag;
        String shareToken = TestUsers.token(share);
        TestCalls.putAcl(ownerToken, dir, TestCalls.acl(true, "user:" + share, "READ", "SHARE"));
        lock(ownerToken, dir).then().statusCode(201);
        breakLocks(shareToken, dir).then().statusCode(200).body("broken.owner", equalTo(List.of(owner)));
        lock(ownerToken, dir).then().statusCode(201);
        breakLocks(TestUsers.OTHER_TOKEN, dir).then().statusCode(200).body("broken.owner", equalTo(List.of(owner)));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertTrue(KafkaRecords.events(
                Topics.ACCESS, ev -> ev.path("type").asText().equals("access.admin-override")
                        && ev.path("subject").asText().equals(dir)
                        && ev.path("data").path("details").path("operation").asText().equals("break lock"))
                .size() == 1));
    }

    @Test
    void aRevokedWritersInFlightUploadDoesNotCommit() {
        TestCalls.putAcl(ownerToken, dir, TestCalls.acl(true, "user:" + grantee, "READ", "WRITE"));
        String file = dir + "/late.txt";
        String uploadId = given().auth().oauth2(granteeToken).contentType("application/json")
                .body(Map.of("path", file)).post("/api/v1/uploads").then().statusCode(201).extract().path("uploadId");
        // Revoked while the upload runs: the commit checks WRITE again in its own transaction.
        TestCalls.putAcl(ownerToken, dir, TestCalls.acl(true, "user:" + grantee, "READ"));
        given().auth().oauth2(granteeToken).contentType("application/json")
                .body(Map.of("manifest", List.of(), "receipts", List.of(),
                        "sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))
                .post("/api/v1/uploads/" + uploadId + "/commit").then().statusCode(403);
        assertEquals(404, TestCalls.stat(ownerToken, file), "nothing was committed");
        assertEquals(0, TestPeers.count("SELECT count(*) FROM entries e JOIN versions v ON v.entry_id = e.entry_id"
                + " WHERE e.owner_id = '" + grantee + "'"));

        // The same upload commits for a writer who keeps the grant.
        TestCalls.putAcl(ownerToken, dir, TestCalls.acl(true, "user:" + grantee, "READ", "WRITE"));
        String again = given().auth().oauth2(granteeToken).contentType("application/json")
                .body(Map.of("path", file)).post("/api/v1/uploads").then().statusCode(201).extract().path("uploadId");
        given().auth().oauth2(granteeToken).contentType("application/json")
                .body(Map.of("manifest", List.of(), "receipts", List.of(),
                        "sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))
                .post("/api/v1/uploads/" + again + "/commit").then().statusCode(201);
    }

    @Test
    void whatACallerMayNotReadAnswersLikeAMissingName() {
        TestCalls.upload(ownerToken, dir + "/file.txt", "x".getBytes()).then().statusCode(201);
        TestCalls.mkdirs(ownerToken, dir + "/sub");
        String visible = dir + "-shared";
        TestCalls.home(ownerToken, visible);
        TestCalls.putAcl(ownerToken, visible, TestCalls.acl(true, "user:" + grantee, "READ"));
        TestCalls.upload(ownerToken, visible + "/hidden.txt", "h".getBytes()).then().statusCode(201);
        TestCalls.putAcl(ownerToken, visible + "/hidden.txt", TestCalls.acl(false, null));

        // mkdir under a file the caller cannot see: not "is a file" (409), but what a missing name gets.
        assertSame(given().auth().oauth2(strangerToken).post("/api/v1/dirs" + dir + "/missing/x"),
                given().auth().oauth2(strangerToken).post("/api/v1/dirs" + dir + "/file.txt/x"), 404);
        assertSame(given().auth().oauth2(strangerToken).post("/api/v1/dirs" + dir + "/missing/x?parents=true"),
                given().auth().oauth2(strangerToken).post("/api/v1/dirs" + dir + "/file.txt/x?parents=true"), 404);
        // Whoever may see the file is told why.
        given().auth().oauth2(ownerToken).post("/api/v1/dirs" + dir + "/file.txt/x").then().statusCode(409);

        // An entry cut off by inherit:false, for someone who may read the directory holding it.
        for (String op : new String[] {"/api/v1/stat", "/api/v1/files", "/api/v1/acl", "/api/v1/versions",
                "/api/v1/list", "/api/v1/policies"}) {
            assertSame(given().auth().oauth2(granteeToken).get(op + visible + "/missing.txt"),
                    given().auth().oauth2(granteeToken).get(op + visible + "/hidden.txt"), 404);
        }
        // Another user's home under the root, and anything below it.
        assertSame(given().auth().oauth2(strangerToken).get("/api/v1/stat/tb-nothing-" + tag),
                given().auth().oauth2(strangerToken).get("/api/v1/stat/" + owner), 404);
        assertSame(given().auth().oauth2(strangerToken).get("/api/v1/stat/tb-nothing-" + tag),
                given().auth().oauth2(strangerToken).get("/api/v1/stat" + dir), 404);
        assertSame(given().auth().oauth2(strangerToken).get("/api/v1/stat" + dir + "/nothing"),
                given().auth().oauth2(strangerToken).get("/api/v1/stat" + dir + "/sub"), 404);
        given().auth().oauth2(strangerToken).get("/api/v1/list/").then().statusCode(200)
                .body("entries.name", not(hasItem(owner)));
        given().auth().oauth2(ownerToken).get("/api/v1/list/").then().statusCode(200)
                .body("entries.name", hasItem(owner));
        // What the caller may see but not do stays a plain 403.
        given().auth().oauth2(granteeToken).delete("/api/v1/files" + visible).then().statusCode(403);

        // Every one of those answers is a denial all the same, naming the namespace path and the permission.
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<JsonNode> denials = TestCalls.accessDenied(grantee);
            JsonNode hidden = denials.stream().filter(ev -> ev.path("subject").asText().equals(visible + "/hidden.txt")
                    && ev.path("data").path("details").path("url").asText().equals("/api/v1/files" + visible
                            + "/hidden.txt")).findFirst().orElseThrow();
            assertEquals(404, hidden.path("data").path("details").path("status").asInt());
            assertEquals("DOWNLOAD", hidden.path("data").path("details").path("permission").asText());
            assertEquals(visible + "/hidden.txt", hidden.path("data").path("details").path("path").asText());
            JsonNode delete = denials.stream().filter(ev -> ev.path("subject").asText().equals(visible)
                    && ev.path("data").path("details").path("status").asInt() == 403).findFirst().orElseThrow();
            assertEquals("DELETE", delete.path("data").path("details").path("permission").asText());
            assertEquals(visible, delete.path("data").path("resource").asText());
        });
    }

    /** Both answers have the status and the same detail but for the name asked about. */
    static void assertSame(Response missing, Response hidden, int status) {
        assertEquals(status, missing.statusCode(), missing.asString());
        assertEquals(status, hidden.statusCode(), hidden.asString());
        String m = missing.path("detail");
        String h = hidden.path("detail");
        assertEquals(m.replaceAll("/[^ ]*", "<path>"), h.replaceAll("/[^ ]*", "<path>"));
        assertEquals(missing.contentType(), hidden.contentType());
    }

    @Test
    void locksBelowADirectoryAreListedOnlyWhereTheCallerMayRead() {
        TestCalls.putAcl(ownerToken, dir, TestCalls.acl(true, "user:" + grantee, "READ"));
        TestCalls.upload(ownerToken, dir + "/open.txt", "o".getBytes()).then().statusCode(201);
        TestCalls.upload(ownerToken, dir + "/secret-plan.txt", "s".getBytes()).then().statusCode(201);
        TestCalls.putAcl(ownerToken, dir + "/secret-plan.txt", TestCalls.acl(false, null));
        TestCalls.lock(ownerToken, dir + "/open.txt");
        TestCalls.lock(ownerToken, dir + "/secret-plan.txt");

        given().auth().oauth2(ownerToken).get("/api/v1/locks" + dir).then().statusCode(200)
                .body("path", equalTo(List.of(dir + "/open.txt", dir + "/secret-plan.txt")));
        String seen = given().auth().oauth2(granteeToken).get("/api/v1/locks" + dir).then().statusCode(200)
                .body("path", equalTo(List.of(dir + "/open.txt"))).extract().asString();
        assertTrue(!seen.contains("secret-plan"), seen);
    }

    @Test
    void composedAndDecomposedNamesAreOneFileAndInvisibleCharactersAreRefused() {
        String composed = dir + "/caf\u00e9.txt";
        String decomposed = dir + "/cafe\u0301.txt";
        TestCalls.upload(ownerToken, decomposed, "first".getBytes(StandardCharsets.UTF_8)).then().statusCode(201);
        TestCalls.upload(ownerToken, composed, "second".getBytes(StandardCharsets.UTF_8)).then().statusCode(200)
                .body("version", equalTo(2));
        assertEquals("second", new String(TestCalls.download(ownerToken, decomposed), StandardCharsets.UTF_8));
        given().auth().oauth2(ownerToken).get("/api/v1/list" + dir).then().statusCode(200)
                .body("entries.name", equalTo(List.of("caf\u00e9.txt")));

        for (String name : new String[] {"invoice\u202egpj.exe", "pay\u200bpal.txt", "a\u2066b", "\ufeffbom",
                "line\u2028break"}) {
            TestCalls.upload(ownerToken, dir + "/" + name, "x".getBytes()).then().statusCode(400)
                    .contentType("application/problem+json");
            given().auth().oauth2(ownerToken).post("/api/v1/dirs" + dir + "/" + name).then().statusCode(400);
            TestCalls.move(ownerToken, composed, dir + "/" + name).then().statusCode(400);
        }
        given().auth().oauth2(ownerToken).get("/api/v1/list" + dir).then().statusCode(200)
                .body("entries.name", equalTo(List.of("caf\u00e9.txt")));
    }

    @Test
    void aConfirmationNobodyRequestedCountsForNothing() throws Exception {
        byte[] content = TestCalls.random(6000, 3);
        String file = dir + "/held.bin";
        TestCalls.upload(ownerToken, file, content).then().statusCode(201);
        String etag = given().auth().oauth2(ownerToken).get("/api/v1/stat" + file).then().statusCode(200).extract()
                .path("etag");
        String chunk = TestPeers.rows("SELECT chunk_id FROM version_chunks WHERE entry_id = "
                + etag.replace("\"", "").split("\\.")[0] + " LIMIT 1").get(0);
        String forgedNode = java.util.UUID.randomUUID().toString();
        List<String> holders = TestPeers.rows("SELECT CAST(node_id AS text) FROM replicas WHERE chunk_id = '" + chunk
                + "' ORDER BY node_id");
        // One holder's copy is asked for again, so that its confirmation (after the forged one) shows both were read.
        String requested = holders.get(0);
        TestPeers.execute("UPDATE replicas SET state = 'PENDING' WHERE chunk_id = '" + chunk + "' AND node_id = '"
                + requested + "'");
        List<String> events = List.of(chunkEvent("chunk.stored", chunk, forgedNode, null),
                chunkEvent("chunk.stored", chunk, requested, TestPeers.withNodeId(requested).chunkEventProof("chunk.stored",
                        chunk)));
        KafkaRecords.publishAs(FORGER, Topics.CHUNK_CONFIRMATIONS, chunk, events);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> TestPeers.count("SELECT count(*) FROM replicas "
                + "WHERE chunk_id = '" + chunk + "' AND node_id = '" + requested + "' AND state = 'CONFIRMED'") == 1);
        assertEquals(0, TestPeers.count("SELECT count(*) FROM replicas WHERE node_id = '" + forgedNode + "'"),
                "the unrequested confirmation made no replica");
        assertEquals(holders.size(), TestPeers.count("SELECT count(*) FROM replicas WHERE chunk_id = '" + chunk + "'"));
    }

    @Test
    void aChunkEventInAnotherNodesNameCountsForNothing() throws Exception {
        String chunk = firstChunkOf(dir + "/named.bin", TestCalls.random(7000, 4));
        String later = firstChunkOf(dir + "/later.bin", TestCalls.random(7000, 5));
        List<String> holders = TestPeers.rows("SELECT CAST(node_id AS text) FROM replicas WHERE chunk_id = '" + chunk
                + "' AND state = 'CONFIRMED' ORDER BY node_id");
        String first = holders.get(0);
        String second = holders.get(1);
        String sentinelNode = TestPeers.rows("SELECT CAST(node_id AS text) FROM replicas WHERE chunk_id = '" + later
                + "' AND state = 'CONFIRMED' ORDER BY node_id").get(0);
        TestPeers.execute("UPDATE replicas SET state = 'PENDING' WHERE chunk_id = '" + chunk + "' AND node_id = '"
                + first + "'");
        TestPeers.execute("UPDATE replicas SET state = 'PENDING' WHERE chunk_id = '" + later + "' AND node_id = '"
                + sentinelNode + "'");
        TestPeers.Peer firstPeer = TestPeers.withNodeId(first);
        TestPeers.Peer secondPeer = TestPeers.withNodeId(second);
        // A node with the topic to itself speaks for another: the second confirms the first's
        // pending copy; the first condemns, fails and deletes the second's copy; each signed with a
        // key that is not the named node's, for another event, or not at all. A genuine confirmation
        // of another chunk comes last, on the same partition: once it counts, the others were read.
        List<String> events = List.of(
                chunkEvent("chunk.stored", chunk, first, secondPeer.chunkEventProof("chunk.stored", chunk, first)),
                chunkEvent("chunk.corrupt", chunk, second, null),
                chunkEvent("chunk.placement-failed", chunk, second, secondPeer.chunkEventProof("chunk.stored", chunk)),
                chunkEvent("chunk.deleted", chunk, second, firstPeer.chunkEventProof("chunk.deleted", chunk, second)),
                chunkEvent("chunk.stored", later, sentinelNode,
                        TestPeers.withNodeId(sentinelNode).chunkEventProof("chunk.stored", later)));
        KafkaRecords.publishAs(FORGER, Topics.CHUNK_CONFIRMATIONS, chunk, events);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> TestPeers.count("SELECT count(*) FROM replicas "
                + "WHERE chunk_id = '" + later + "' AND node_id = '" + sentinelNode + "' AND state = 'CONFIRMED'") == 1);
        assertEquals(List.of("PENDING"), TestPeers.rows("SELECT state FROM replicas WHERE chunk_id = '" + chunk
                + "' AND node_id = '" + first + "'"), "a confirmation signed by another node's key counted");
        assertEquals(List.of("CONFIRMED"), TestPeers.rows("SELECT state FROM replicas WHERE chunk_id = '" + chunk
                + "' AND node_id = '" + second + "'"), "another node condemned or deleted the second node's copy");
        // The first node's own word still counts.
        KafkaRecords.publishAs(FORGER, Topics.CHUNK_CONFIRMATIONS, chunk,
                List.of(chunkEvent("chunk.stored", chunk, first, firstPeer.chunkEventProof("chunk.stored", chunk))));
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> TestPeers.count("SELECT count(*) FROM replicas "
                + "WHERE chunk_id = '" + chunk + "' AND node_id = '" + first + "' AND state = 'CONFIRMED'") == 1);
    }

    @Test
    void aPeersPrincipalCanNeitherForgeRegistrationsAndNodeEventsNorReadWhatItDoesNotServe() throws Exception {
        String forgedId = "forged-" + tag;
        String genuineId = "genuine-" + tag;
        String subject = java.util.UUID.randomUUID().toString();
        // A peer claims a token subject for an id of its choosing, rewrites a node, and writes a
        // denial onto the access topic: the broker refuses each write.
        for (var forged : List.of(
                Map.entry(Topics.USERS, registration(forgedId, subject)),
                Map.entry(Topics.NODES, nodeEvent(TestPeers.rows("SELECT CAST(node_id AS text) FROM nodes LIMIT 1")
                        .get(0))),
                Map.entry(Topics.ACCESS, registration(forgedId, subject)),
                Map.entry(Topics.FILES, registration(forgedId, subject)),
                Map.entry(Topics.CHUNK_PLACEMENTS, registration(forgedId, subject)))) {
            IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> KafkaRecords.publishAs(FORGER, forged.getKey(), forgedId, List.of(forged.getValue())),
                    "a peer wrote to " + forged.getKey());
            assertTrue(causedBy(refused, org.apache.kafka.common.errors.TopicAuthorizationException.class),
                    forged.getKey() + ": " + refused);
        }
        // Nor may it read what it does not serve: registrations, paths, ACLs, everyone's access events.
        for (String topic : List.of(Topics.USERS, Topics.FILES, Topics.ACLS, Topics.ACCESS, Topics.LOCKS,
                Topics.CHUNK_CONFIRMATIONS)) {
            assertTrue(readRefused(FORGER, topic), "a peer read " + topic);
        }
        assertTrue(!readRefused(FORGER, Topics.CHUNK_PLACEMENTS), "a peer reads its placements");
        // No password, a wrong one, or no TLS: no connection at all.
        assertTrue(loginRefused(Map.of("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule "
                + "required username=\"" + FORGER + "\" password=\"guessed\";")));
        assertTrue(loginRefused(Map.of("security.protocol", "SSL")));
        // The tracker's own registration after them is read: the forged one never reached metadata.
        KafkaRecords.publishAs(KafkaBroker.TRACKER, Topics.USERS, genuineId,
                List.of(registration(genuineId, java.util.UUID.randomUUID().toString())));
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> TestPeers.count(
                "SELECT count(*) FROM registered_users WHERE user_id = '" + genuineId + "'") == 1);
        assertEquals(0, TestPeers.count("SELECT count(*) FROM registered_users WHERE user_id = '" + forgedId
                + "' OR subject = '" + subject + "'"), "the forged registration reached metadata");
    }

    private String registration(String userId, String subject) throws Exception {
        Map<String, Object> details = Map.of("userId", userId, "login", userId, "subject", subject);
        return json.writeValueAsString(io.p2pfs.common.events.CloudEvent.of("/p2pfs/tracker",
                io.p2pfs.common.events.EventTypes.USER_REGISTERED, "user:" + userId, json.valueToTree(
                        io.p2pfs.common.events.AuditData.success(userId, "user.registered", "user:" + userId, details))));
    }

    private String nodeEvent(String nodeId) throws Exception {
        Map<String, Object> details = Map.of("nodeId", nodeId, "url", "https://attacker.test:8451", "state", "UP");
        return json.writeValueAsString(io.p2pfs.common.events.CloudEvent.of("/p2pfs/tracker", "node.registered",
                "node:" + nodeId, json.valueToTree(
                        io.p2pfs.common.events.AuditData.success("forger", "node.registered", "node:" + nodeId, details))));
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the broker refuses {@code principal} reading {@code topic} (as a consumer of its own group). */
    private static boolean readRefused(String principal, String topic) {
        java.util.Properties props = new java.util.Properties();
        props.putAll(KafkaBroker.shared().clientProperties(principal));
        props.put("group.id", "p2pfs-peer-probe-" + java.util.UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        props.put("key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        props.put("value.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(props)) {
            var partition = new org.apache.kafka.common.TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500));
                consumer.position(partition, Duration.ofSeconds(5));
            }
            return false;
        } catch (org.apache.kafka.common.errors.TopicAuthorizationException e) {
            return true;
        }
    }

    /** Whether a client with the peer's settings changed by {@code override} cannot even connect. */
    private static boolean loginRefused(Map<String, String> override) {
        java.util.Properties props = new java.util.Properties();
        props.putAll(KafkaBroker.shared().clientProperties(FORGER));
        props.putAll(override);
        props.put("request.timeout.ms", "3000");
        props.put("default.api.timeout.ms", "6000");
        try (var admin = org.apache.kafka.clients.admin.Admin.create(props)) {
            admin.describeCluster().nodes().get(8, java.util.concurrent.TimeUnit.SECONDS);
            return false;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Uploads {@code content} to {@code file} and answers the id of its first chunk. */
    private String firstChunkOf(String file, byte[] content) {
        TestCalls.upload(ownerToken, file, content).then().statusCode(201);
        String etag = given().auth().oauth2(ownerToken).get("/api/v1/stat" + file).then().statusCode(200).extract()
                .path("etag");
        return TestPeers.rows("SELECT chunk_id FROM version_chunks WHERE entry_id = "
                + etag.replace("\"", "").split("\\.")[0] + " LIMIT 1").get(0);
    }

    private String chunkEvent(String type, String chunk, String node, String proof) throws Exception {
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("chunkId", chunk);
        data.put("nodeId", node);
        data.put("size", 1);
        data.put("reason", "forged");
        if (proof != null) {
            data.put("proof", proof);
        }
        return json.writeValueAsString(io.p2pfs.common.events.CloudEvent.of("/p2pfs/peer-agent", type, "chunk:" + chunk,
                json.valueToTree(data)));
    }

    @Test
    void eventsAndRefusalsNameTheUserIdAndTheTokenSubjectNotTheLogin() {
        // An admin registers login tbl-<tag> under another id.
        String login = "tbl-" + tag;
        String id = "tbid-" + tag;
        String subject = java.util.UUID.nameUUIDFromBytes(login.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
        given().baseUri(io.p2pfs.testing.TestTracker.shared().url()).auth().oauth2(TestUsers.OTHER_TOKEN)
                .contentType("application/json").body(Map.of("subject", subject, "login", login))
                .put("/api/v1/users/" + id).then().statusCode(201);
        String token = io.p2pfs.testing.TestTokens.user(login).sign();
        String own = "/" + id + "/own";
        given().auth().oauth2(token).post("/api/v1/dirs" + own + "?parents=true").then().statusCode(201);
        given().auth().oauth2(token).get("/api/v1/list" + dir).then().statusCode(404);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<JsonNode> created = KafkaRecords.events(Topics.FILES, ev -> ev.path("type").asText()
                    .equals("dir.created") && ev.path("subject").asText().equals(own));
            assertEquals(1, created.size());
            assertEquals(id, created.get(0).path("data").path("actor").asText());
            assertEquals(subject, created.get(0).path("data").path("actorSubject").asText());
            List<JsonNode> refused = TestCalls.accessDenied(id).stream()
                    .filter(ev -> ev.path("subject").asText().equals(dir)).toList();
            assertEquals(1, refused.size(), "the refusal names the user id");
            assertEquals(subject, refused.get(0).path("data").path("actorSubject").asText());
            assertTrue(TestCalls.accessDenied(login).stream().noneMatch(ev -> ev.path("subject").asText().equals(dir)),
                    "the refusal named the login");
        });
    }

    @Test
    void everyUserHasAHomeFromRegistrationAndNobodyButAnAdminPutsAnythingElseAtTheRoot() {
        // Before carol-<tag> registers, nobody takes her name at the root.
        String future = "tbf-" + tag;
        given().auth().oauth2(strangerToken).post("/api/v1/dirs/" + future).then().statusCode(403)
                .contentType("application/problem+json");
        given().auth().oauth2(strangerToken).post("/api/v1/dirs/" + future + "/deep?parents=true").then()
                .statusCode(403);
        TestCalls.upload(strangerToken, "/" + future, "squat".getBytes()).then().statusCode(403);
        given().auth().oauth2(ownerToken).contentType("application/json")
                .body(Map.of("from", dir, "to", "/" + future)).post("/api/v1/moves").then().statusCode(403);
        // Registered, she finds her home made for her, hers.
        String futureToken = TestUsers.token(future);
        given().auth().oauth2(futureToken).get("/api/v1/acl/" + future).then().statusCode(200)
                .body("owner", equalTo(future));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<JsonNode> made = KafkaRecords.events(Topics.FILES, ev -> ev.path("type").asText().equals("dir.created")
                    && ev.path("subject").asText().equals("/" + future));
            assertEquals(1, made.size());
            assertEquals("system:registration", made.get(0).path("data").path("actor").asText());
        });
        given().auth().oauth2(futureToken).post("/api/v1/dirs/" + future + "/work").then().statusCode(201);
        // Her own name is all she may create at the root, and only as a directory, which exists.
        given().auth().oauth2(futureToken).post("/api/v1/dirs/" + future).then().statusCode(409);
        given().auth().oauth2(futureToken).post("/api/v1/dirs/tbx-" + tag).then().statusCode(403);
        // The root lists her home to her and the stranger's to nobody else.
        List<String> names = given().auth().oauth2(futureToken).get("/api/v1/list/?limit=1000").then().statusCode(200)
                .extract().path("entries.name");
        assertTrue(names.contains(future), names.toString());
        assertTrue(!names.contains(owner), names.toString());
        // An admin may make shared directories at the root.
        given().auth().oauth2(TestUsers.OTHER_TOKEN).post("/api/v1/dirs/tbshared-" + tag).then().statusCode(201);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertTrue(TestCalls
                .accessDenied("tbs-" + tag).stream().anyMatch(ev -> ev.path("subject").asText().equals("/" + future)
                        && ev.path("data").path("details").path("permission").asText().equals("WRITE")),
                "the squatting attempt is audited with its path"));
    }

    @Test
    void aThousandAnonymousRequestsAreAFewCountedAuditRecords() {
        Instant start = Instant.now().minusSeconds(1);
        String url = "/api/v1/stat/anonymous-" + tag;
        int requests = 1000;
        for (int i = 0; i < requests; i++) {
            given().get(url).then().statusCode(401);
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<JsonNode> anonymous = KafkaRecords.events(Topics.ACCESS, ev -> ev.path("type").asText()
                    .equals("access.denied") && ev.path("data").path("actor").isMissingNode()
                    && ev.path("data").path("reason").asText().equals("missing token")
                    && !Instant.parse(ev.path("time").asText()).isBefore(start));
            assertTrue(KafkaRecords.refusals(anonymous) >= requests, KafkaRecords.refusals(anonymous) + " counted");
            assertTrue(anonymous.size() <= 10, anonymous.size() + " records for " + requests + " requests");
        });
        // A caller with an identity is still audited request by request.
        for (int i = 0; i < 3; i++) {
            given().auth().oauth2(strangerToken).delete("/api/v1/files" + dir).then().statusCode(404);
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(3, TestCalls
                .accessDenied("tbs-" + tag).stream().filter(ev -> ev.path("subject").asText().equals(dir)).count()));
    }
}
