package io.p2pfs.tracker.nodes;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.common.events.Topics;
import io.p2pfs.testing.KafkaRecords;
import io.p2pfs.testing.P2pfsTestResource;
import io.p2pfs.testing.TestPostgres;
import io.p2pfs.testing.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import io.p2pfs.common.chunks.NodeProofs;
import io.p2pfs.common.keys.EcJwk;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@QuarkusTest
@WithTestResource(value = P2pfsTestResource.class, initArgs = @ResourceArg(name = "service", value = "tracker"))
class NodeResourceTests {

    private static final String NODE = TestTokens.node().sign();
    private static final String ADMIN = TestTokens.user("root-admin").roles("admin").sign();

    private static String peerUrl() {
        return "https://peer-" + UUID.randomUUID().toString().substring(0, 8) + ".test:8451";
    }

    /** A node's key pair, as a peer keeps it: the public key as a JWK and proofs signed with the private one. */
    record TestNode(java.security.KeyPair pair, Map<String, Object> jwk) {

        static TestNode create() {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                java.security.KeyPair pair = generator.generateKeyPair();
                return new TestNode(pair, EcJwk.publicJwk((ECPublicKey) pair.getPublic()));
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        String proof(String purpose, String subject, java.time.Instant at) {
            return NodeProofs.sign(purpose, subject, at, pair.getPrivate(), (String) jwk.get("kid"));
        }

        /** A registration body for {@code url}, proven with this key. */
        Map<String, Object> registration(String url, String zone) {
            Map<String, Object> body = new HashMap<>();
            body.put("url", url);
            body.put("capacityBytes", 1073741824L);
            body.put("zone", zone);
            body.put("publicKey", jwk);
            body.put("proof", proof(NodeProofs.REGISTER, url.endsWith("/") ? url.substring(0, url.length() - 1) : url,
                    java.time.Instant.now()));
            return body;
        }

        Map<String, Object> beat(String nodeId, long usedBytes, long chunkCount) {
            return Map.of("usedBytes", usedBytes, "chunkCount", chunkCount,
                    "proof", proof(NodeProofs.HEARTBEAT, nodeId, java.time.Instant.now()));
        }
    }

    /** The key each node registered here holds. */
    private static final Map<String, TestNode> KEYS = new java.util.concurrent.ConcurrentHashMap<>();

    private static String register(String url, String zone) {
        TestNode node = TestNode.create();
        String nodeId = given().auth().oauth2(NODE).contentType(ContentType.JSON).body(node.registration(url, zone))
                .post("/api/v1/nodes").then().statusCode(201)
                .body("state", equalTo("UP")).body("heartbeatIntervalSeconds", equalTo(1))
                .body("missedHeartbeatsAllowed", equalTo(2))
                .extract().path("nodeId");
        KEYS.put(nodeId, node);
        return nodeId;
    }

    private static io.restassured.response.Response beat(String nodeId, long used, long count) {
        return given().auth().oauth2(NODE).contentType(ContentType.JSON).body(KEYS.get(nodeId).beat(nodeId, used, count))
                .put("/api/v1/nodes/" + nodeId + "/heartbeat");
    }

    private static void heartbeat(String nodeId) {
        beat(nodeId, 1024, 3).then().statusCode(200);
    }

    private static List<JsonNode> nodeEvents(String nodeId, String type) {
        return KafkaRecords.events(Topics.NODES, e -> e.path("subject").asText().equals("node:" + nodeId)
                && e.path("type").asText().equals(type));
    }

    @Test
    void registeringTheSameUrlAgainWithItsKeyKeepsTheNodeIdAndTakesItsZoneAndCapacity() {
        String url = peerUrl();
        String first = register(url, "z1");
        TestNode node = KEYS.get(first);
        Map<String, Object> again = node.registration(url + "/", "z2");
        again.put("capacityBytes", 2048);
        given().auth().oauth2(NODE).contentType(ContentType.JSON).body(again)
                .post("/api/v1/nodes").then().statusCode(200).body("nodeId", equalTo(first));
        given().auth().oauth2(ADMIN).get("/api/v1/nodes/" + first)
                .then().statusCode(200).body("zone", equalTo("z2")).body("capacityBytes", equalTo(2048))
                .body("publicKey.kid", equalTo(node.jwk().get("kid"))).body("publicKey.x", equalTo(node.jwk().get("x")));
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertEquals(2, nodeEvents(first, "node.registered").size()));
        JsonNode latest = nodeEvents(first, "node.registered").get(1).path("data").path("details").path("publicKey");
        assertEquals(node.jwk().get("x"), latest.path("x").asText());
        assertEquals(node.jwk().get("y"), latest.path("y").asText());
        assertFalse(latest.has("d"));
    }

    @Test
    void aNodeCannotTakeAnotherNodesUrlOrRegisterWithoutProvingItsKey() {
        String url = peerUrl();
        String victim = register(url, "z1");
        TestNode mallory = TestNode.create();
        // Another key over a live node's URL: refused, the node keeps its key.
        given().auth().oauth2(NODE).contentType(ContentType.JSON).body(mallory.registration(url, "z3"))
                .post("/api/v1/nodes").then().statusCode(409).contentType("application/problem+json")
                .body("nodeId", equalTo(victim));
        given().auth().oauth2(ADMIN).get("/api/v1/nodes/" + victim).then().statusCode(200).body("zone", equalTo("z1"))
                .body("publicKey.x", equalTo(KEYS.get(victim).jwk().get("x")));
        // No proof, a proof for another URL, one signed by another key, a stale one: 403, nothing registered.
        String fresh = peerUrl();
        Map<String, Object> none = mallory.registration(fresh, "z1");
        none.remove("proof");
        Map<String, Object> otherUrl = mallory.registration(fresh, "z1");
        otherUrl.put("proof", mallory.proof(NodeProofs.REGISTER, url, java.time.Instant.now()));
        Map<String, Object> otherKey = mallory.registration(fresh, "z1");
        otherKey.put("proof", TestNode.create().proof(NodeProofs.REGISTER, fresh, java.time.Instant.now()));
        Map<String, Object> stale = mallory.registration(fresh, "z1");
        stale.put("proof", mallory.proof(NodeProofs.REGISTER, fresh, java.time.Instant.now().minusSeconds(900)));
        Map<String, Object> heartbeatProof = mallory.registration(fresh, "z1");
        heartbeatProof.put("proof", mallory.proof(NodeProofs.HEARTBEAT, fresh, java.time.Instant.now()));
        for (Map<String, Object> body : List.of(none, otherUrl, otherKey, stale, heartbeatProof)) {
            given().auth().oauth2(NODE).contentType(ContentType.JSON).body(body).post("/api/v1/nodes").then()
                    .statusCode(403).contentType("application/problem+json");
        }
        given().auth().oauth2(ADMIN).get("/api/v1/nodes").then().statusCode(200)
                .body("url", not(hasItem(fresh)));
    }

    @Test
    void aNodeCannotHeartbeatForAnother() {
        String victim = register(peerUrl(), "z1");
        String mallory = register(peerUrl(), "z2");
        TestNode mallorysKey = KEYS.get(mallory);
        // Signed with another node's key, or for another node, or not at all: 403.
        given().auth().oauth2(NODE).contentType(ContentType.JSON).body(mallorysKey.beat(victim, 1, 1))
                .put("/api/v1/nodes/" + victim + "/heartbeat").then().statusCode(403);
        given().auth().oauth2(NODE).contentType(ContentType.JSON).body(mallorysKey.beat(mallory, 1, 1))
                .put("/api/v1/nodes/" + victim + "/heartbeat").then().statusCode(403);
        given().auth().oauth2(NODE).contentType(ContentType.JSON).body("{\"usedBytes\":1,\"chunkCount\":1}")
                .put("/api/v1/nodes/" + victim + "/heartbeat").then().statusCode(403);
        given().auth().oauth2(ADMIN).get("/api/v1/nodes/" + victim).then().statusCode(200).body("usedBytes",
                equalTo(0));
        // Its own key keeps it alive; a victim that cannot is marked down.
        beat(victim, 7, 1).then().statusCode(200);
        given().auth().oauth2(ADMIN).get("/api/v1/nodes/" + victim).then().statusCode(200).body("usedBytes",
                equalTo(7));
    }

    @Test
    void nodeUrlsAreHttpsCapacityClaimsAreCappedAndZonesAreTheConfiguredOnes() {
        TestNode node = TestNode.create();
        given().auth().oauth2(NODE).contentType(ContentType.JSON)
                .body(node.registration("http://peer-" + UUID.randomUUID().toString().substring(0, 8) + ".test:8451", "z1"))
                .post("/api/v1/nodes").then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(NODE).contentType(ContentType.JSON).body(node.registration(peerUrl(), "z9"))
                .post("/api/v1/nodes").then().statusCode(400).contentType("application/problem+json");
        Map<String, Object> huge = node.registration(peerUrl(), "z1");
        huge.put("capacityBytes", Long.MAX_VALUE);
        String nodeId = given().auth().oauth2(NODE).contentType(ContentType.JSON).body(huge).post("/api/v1/nodes")
                .then().statusCode(201).extract().path("nodeId");
        // The test profile caps claims at 1 TiB.
        given().auth().oauth2(ADMIN).get("/api/v1/nodes/" + nodeId).then().statusCode(200)
                .body("capacityBytes", equalTo(1L << 40));
    }

    @Test
    void aRegistrationWithoutAUsablePublicKeyIsRefused() {
        TestNode node = TestNode.create();
        Map<String, Object> noKey = node.registration(peerUrl(), "z1");
        noKey.remove("publicKey");
        given().auth().oauth2(NODE).contentType(ContentType.JSON).body(noKey)
                .post("/api/v1/nodes").then().statusCode(400).contentType("application/problem+json");
        Map<String, Object> withPrivate = node.registration(peerUrl(), "z1");
        Map<String, Object> key = new HashMap<>(node.jwk());
        key.put("d", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I");
        withPrivate.put("publicKey", key);
        given().auth().oauth2(NODE).contentType(ContentType.JSON).body(withPrivate)
                .post("/api/v1/nodes").then().statusCode(400).contentType("application/problem+json");
        Map<String, Object> rsa = node.registration(peerUrl(), "z1");
        rsa.put("publicKey", Map.of("kty", "RSA", "n", "AQAB", "e", "AQAB"));
        given().auth().oauth2(NODE).contentType(ContentType.JSON).body(rsa)
                .post("/api/v1/nodes").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void aSilentNodeGoesDownAndAHeartbeatBringsItBack() {
        String nodeId = register(peerUrl(), "z1");
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<JsonNode> down = nodeEvents(nodeId, "node.down");
            assertEquals(1, down.size());
            assertEquals("DOWN", down.get(0).path("data").path("details").path("state").asText());
            assertEquals("system:tracker", down.get(0).path("data").path("actor").asText());
        });
        given().auth().oauth2(ADMIN).get("/api/v1/nodes?state=DOWN")
                .then().statusCode(200).body("nodeId", hasItem(nodeId));

        beat(nodeId, 10, 1).then().statusCode(200).body("state", equalTo("UP"));
        given().auth().oauth2(ADMIN).get("/api/v1/nodes?state=UP")
                .then().statusCode(200).body("nodeId", hasItem(nodeId));
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertEquals(1, nodeEvents(nodeId, "node.up").size()));
    }

    @Test
    void aHeartbeatingNodeStaysUp() {
        String nodeId = register(peerUrl(), "z3");
        long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        while (System.nanoTime() < until) {
            heartbeat(nodeId);
            Awaitility.await().pollDelay(Duration.ofMillis(400)).until(() -> true);
        }
        given().auth().oauth2(ADMIN).get("/api/v1/nodes/" + nodeId)
                .then().statusCode(200).body("state", equalTo("UP")).body("usedBytes", equalTo(1024));
        assertEquals(0, nodeEvents(nodeId, "node.down").size());
    }

    @Test
    void theSweepWaitsWhileAnotherReplicaHoldsTheLivenessLock() throws Exception {
        String database = ConfigProvider.getConfig().getValue("p2pfs.test.database", String.class);
        try (Connection otherReplica = TestPostgres.shared().connect(database);
                Statement statement = otherReplica.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + NodeService.LIVENESS_LOCK + ")");
            String nodeId = register(peerUrl(), "z2");
            // Well past the 2 s down-after: no replica without the lock may sweep.
            Awaitility.await().pollDelay(Duration.ofSeconds(4)).until(() -> true);
            given().auth().oauth2(ADMIN).get("/api/v1/nodes/" + nodeId)
                    .then().statusCode(200).body("state", equalTo("UP"));
            statement.execute("SELECT pg_advisory_unlock(" + NodeService.LIVENESS_LOCK + ")");
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    given().auth().oauth2(ADMIN).get("/api/v1/nodes/" + nodeId)
                            .then().statusCode(200).body("state", equalTo("DOWN")));
        }
    }

    @Test
    void adminDrainsANodeAndHeartbeatsKeepItDraining() {
        String nodeId = register(peerUrl(), "z1");
        given().auth().oauth2(ADMIN).delete("/api/v1/nodes/" + nodeId)
                .then().statusCode(200).body("state", equalTo("DRAINING"));
        beat(nodeId, 1, 1).then().statusCode(200).body("state", equalTo("DRAINING"));
        given().auth().oauth2(ADMIN).get("/api/v1/nodes?state=up")
                .then().statusCode(200).body("nodeId", not(hasItem(nodeId)));
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertEquals(1, nodeEvents(nodeId, "node.draining").size()));
        assertFalse(nodeEvents(nodeId, "node.down").stream().findAny().isPresent());
    }

    @Test
    void metricsAreForOperatorsOnly() {
        given().get("/q/metrics").then().statusCode(401);
        given().auth().oauth2(TestTokens.user("mo").sign()).get("/q/metrics").then().statusCode(403);
        given().auth().oauth2(NODE).get("/q/metrics").then().statusCode(403);
        given().auth().oauth2(TestTokens.user("prometheus").roles("metrics").sign()).get("/q/metrics").then()
                .statusCode(200).body(org.hamcrest.Matchers.containsString("jvm_"));
    }

    @Test
    void anAdminQuarantinesANodeNeitherHeartbeatsNorRegisteringEndItOnlyARelease() {
        String url = peerUrl();
        String nodeId = register(url, "z1");
        String user = TestTokens.user("quinn").sign();
        given().auth().oauth2(user).contentType(ContentType.JSON).body(Map.of("reason", "mine"))
                .put("/api/v1/nodes/" + nodeId + "/quarantine").then().statusCode(403);
        given().auth().oauth2(NODE).contentType(ContentType.JSON).body(Map.of("reason", "mine"))
                .put("/api/v1/nodes/" + nodeId + "/quarantine").then().statusCode(403);
        for (String bad : new String[] {"{}", "{\"reason\": \"  \"}", "{\"reason\": \"a\\nb\"}",
                "{\"reason\": \"" + "x".repeat(501) + "\"}"}) {
            given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body(bad)
                    .put("/api/v1/nodes/" + nodeId + "/quarantine").then().statusCode(400);
        }
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body(Map.of("reason", "drops chunks it confirmed"))
                .put("/api/v1/nodes/" + nodeId + "/quarantine").then().statusCode(200)
                .body("state", equalTo("QUARANTINED")).body("quarantineReason", equalTo("drops chunks it confirmed"));
        // Again: nothing changes, the first reason stays.
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body(Map.of("reason", "another"))
                .put("/api/v1/nodes/" + nodeId + "/quarantine").then().statusCode(200)
                .body("quarantineReason", equalTo("drops chunks it confirmed"));
        beat(nodeId, 1, 1).then().statusCode(200).body("state", equalTo("QUARANTINED"));
        given().auth().oauth2(NODE).contentType(ContentType.JSON).body(KEYS.get(nodeId).registration(url, "z2"))
                .post("/api/v1/nodes").then().statusCode(200).body("nodeId", equalTo(nodeId))
                .body("state", equalTo("QUARANTINED"));
        // Nor can it come back under a new key over its URL.
        given().auth().oauth2(NODE).contentType(ContentType.JSON).body(TestNode.create().registration(url, "z2"))
                .post("/api/v1/nodes").then().statusCode(409);
        given().auth().oauth2(ADMIN).get("/api/v1/nodes?state=quarantined").then().statusCode(200)
                .body("nodeId", hasItem(nodeId));
        given().auth().oauth2(ADMIN).get("/api/v1/nodes?state=up").then().statusCode(200)
                .body("nodeId", not(hasItem(nodeId)));
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<JsonNode> events = nodeEvents(nodeId, "node.quarantined");
            assertEquals(1, events.size());
            JsonNode data = events.get(0).path("data");
            assertEquals("root-admin", data.path("actor").asText());
            assertEquals("drops chunks it confirmed", data.path("details").path("reason").asText());
            assertEquals("QUARANTINED", data.path("details").path("state").asText());
        });

        given().auth().oauth2(user).delete("/api/v1/nodes/" + nodeId + "/quarantine").then().statusCode(403);
        given().auth().oauth2(ADMIN).delete("/api/v1/nodes/" + nodeId + "/quarantine").then().statusCode(200)
                .body("state", equalTo("DOWN")).body("quarantineReason", equalTo(null));
        given().auth().oauth2(ADMIN).delete("/api/v1/nodes/" + nodeId + "/quarantine").then().statusCode(409);
        beat(nodeId, 1, 1).then().statusCode(200).body("state", equalTo("UP"));
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertEquals(1, nodeEvents(nodeId, "node.released").size()));
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body(Map.of("reason", "x"))
                .put("/api/v1/nodes/" + UUID.randomUUID() + "/quarantine").then().statusCode(404);
    }

    @Test
    void aDrainedNodeIsRemovedWhenTheMetadataServiceSaysSoAndJoinsAgainWhenItRegisters() throws Exception {
        String url = peerUrl();
        String nodeId = register(url, "z2");
        String other = register(peerUrl(), "z3");
        given().auth().oauth2(ADMIN).delete("/api/v1/nodes/" + nodeId).then().statusCode(200);
        given().auth().oauth2(ADMIN).delete("/api/v1/nodes/" + other).then().statusCode(200);
        // Only the metadata service decides that a drain is over: the same event from a peer is ignored.
        publishRemoved(other, "/p2pfs/peer-agent");
        publishRemoved(nodeId, "/p2pfs/metadata");
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(ADMIN)
                .get("/api/v1/nodes/" + nodeId).then().statusCode(200).body("state", equalTo("REMOVED")));
        given().auth().oauth2(ADMIN).get("/api/v1/nodes/" + other).then().body("state", equalTo("DRAINING"));
        given().auth().oauth2(ADMIN).get("/api/v1/nodes?state=removed").then().statusCode(200)
                .body("nodeId", hasItem(nodeId));
        beat(nodeId, 1, 1).then().statusCode(200).body("state", equalTo("REMOVED"));
        given().auth().oauth2(ADMIN).delete("/api/v1/nodes/" + nodeId).then().statusCode(200)
                .body("state", equalTo("REMOVED"));
        // Removed, it may join again, even with a new key (its old one may be what was lost).
        given().auth().oauth2(NODE).contentType(ContentType.JSON).body(TestNode.create().registration(url, "z2"))
                .post("/api/v1/nodes").then().statusCode(200).body("nodeId", equalTo(nodeId))
                .body("state", equalTo("UP"));
    }

    private static void publishRemoved(String nodeId, String source) throws Exception {
        java.util.Properties props = new java.util.Properties();
        // As the metadata service, which announces node removals.
        props.putAll(io.p2pfs.testing.KafkaBroker.shared().clientProperties(io.p2pfs.testing.KafkaBroker.METADATA));
        props.put("key.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        props.put("value.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        String event = "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"" + source
                + "\",\"type\":\"node.removed\",\"subject\":\"node:" + nodeId + "\",\"data\":{\"details\":"
                + "{\"nodeId\":\"" + nodeId + "\",\"state\":\"REMOVED\"}}}";
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(props)) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.NODES, nodeId, event))
                    .get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void heartbeatOfAnUnknownNodeIs404SoThePeerRegistersAgain() {
        given().auth().oauth2(NODE).contentType(ContentType.JSON).body("{\"usedBytes\":1,\"chunkCount\":1}")
                .put("/api/v1/nodes/" + UUID.randomUUID() + "/heartbeat")
                .then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(NODE).contentType(ContentType.JSON).body("{\"usedBytes\":1,\"chunkCount\":1}")
                .put("/api/v1/nodes/not-a-uuid/heartbeat")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"capacityBytes\":1,\"zone\":\"z1\"}",
            "{\"url\":\"ftp://peer.test\",\"capacityBytes\":1,\"zone\":\"z1\"}",
            "{\"url\":\"not a url\",\"capacityBytes\":1,\"zone\":\"z1\"}",
            "{\"url\":\"https://peer.test?x=1\",\"capacityBytes\":1,\"zone\":\"z1\"}",
            "{\"url\":\"https://peer.test\",\"capacityBytes\":0,\"zone\":\"z1\"}",
            "{\"url\":\"https://peer.test\",\"capacityBytes\":-5,\"zone\":\"z1\"}",
            "{\"url\":\"https://peer.test\",\"capacityBytes\":\"lots\",\"zone\":\"z1\"}",
            "{\"url\":\"https://peer.test\",\"capacityBytes\":1,\"zone\":\"Zone One!\"}",
            "{\"url\":\"https://peer.test\",\"capacityBytes\":1}",
            "{broken"})
    void invalidRegistrationsAreRefusedWith400(String body) {
        given().auth().oauth2(NODE).contentType(ContentType.JSON).body(body)
                .post("/api/v1/nodes").then().statusCode(400).contentType("application/problem+json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"usedBytes\":-1,\"chunkCount\":0}", "{\"usedBytes\":1}"})
    void invalidHeartbeatsAreRefusedWith400(String body) {
        String nodeId = register(peerUrl(), "z1");
        given().auth().oauth2(NODE).contentType(ContentType.JSON).body(body)
                .put("/api/v1/nodes/" + nodeId + "/heartbeat")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void anUnknownStateFilterIs400() {
        given().auth().oauth2(ADMIN).get("/api/v1/nodes?state=SLEEPING")
                .then().statusCode(400).contentType("application/problem+json");
    }
}
