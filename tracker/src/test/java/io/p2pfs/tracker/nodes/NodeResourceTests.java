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

    /** A node's public key as a JWK, the way a peer sends it. */
    static Map<String, Object> nodeKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return EcJwk.publicJwk((ECPublicKey) generator.generateKeyPair().getPublic());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> registration(String url, String zone, Map<String, Object> key) {
        Map<String, Object> body = new HashMap<>();
        body.put("url", url);
        body.put("capacityBytes", 1073741824L);
        body.put("zone", zone);
        body.put("publicKey", key);
        return body;
    }

    private static String register(String url, String zone) {
        return given().auth().oauth2(NODE).contentType(ContentType.JSON).body(registration(url, zone, nodeKey()))
                .post("/api/v1/nodes").then().statusCode(201)
                .body("state", equalTo("UP")).body("heartbeatIntervalSeconds", equalTo(1))
                .body("missedHeartbeatsAllowed", equalTo(2))
                .extract().path("nodeId");
    }

    private static void heartbeat(String nodeId) {
        given().auth().oauth2(NODE).contentType(ContentType.JSON).body("{\"usedBytes\":1024,\"chunkCount\":3}")
                .put("/api/v1/nodes/" + nodeId + "/heartbeat").then().statusCode(200);
    }

    private static List<JsonNode> nodeEvents(String nodeId, String type) {
        return KafkaRecords.events(Topics.NODES, e -> e.path("subject").asText().equals("node:" + nodeId)
                && e.path("type").asText().equals(type));
    }

    @Test
    void registeringTheSameUrlAgainKeepsTheNodeIdAndTakesItsNewKey() {
        String url = peerUrl();
        String first = register(url, "z1");
        Map<String, Object> newKey = nodeKey();
        Map<String, Object> again = registration(url + "/", "z2", newKey);
        again.put("capacityBytes", 2048);
        given().auth().oauth2(NODE).contentType(ContentType.JSON).body(again)
                .post("/api/v1/nodes").then().statusCode(200).body("nodeId", equalTo(first));
        given().auth().oauth2(ADMIN).get("/api/v1/nodes/" + first)
                .then().statusCode(200).body("zone", equalTo("z2")).body("capacityBytes", equalTo(2048))
                .body("publicKey.kid", equalTo(newKey.get("kid"))).body("publicKey.x", equalTo(newKey.get("x")));
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertEquals(2, nodeEvents(first, "node.registered").size()));
        JsonNode latest = nodeEvents(first, "node.registered").get(1).path("data").path("details").path("publicKey");
        assertEquals(newKey.get("x"), latest.path("x").asText());
        assertEquals(newKey.get("y"), latest.path("y").asText());
        assertFalse(latest.has("d"));
    }

    @Test
    void aRegistrationWithoutAUsablePublicKeyIsRefused() {
        given().auth().oauth2(NODE).contentType(ContentType.JSON).body(registration(peerUrl(), "z1", null))
                .post("/api/v1/nodes").then().statusCode(400).contentType("application/problem+json");
        Map<String, Object> withPrivate = new HashMap<>(nodeKey());
        withPrivate.put("d", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I");
        given().auth().oauth2(NODE).contentType(ContentType.JSON).body(registration(peerUrl(), "z1", withPrivate))
                .post("/api/v1/nodes").then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(NODE).contentType(ContentType.JSON)
                .body(registration(peerUrl(), "z1", Map.of("kty", "RSA", "n", "AQAB", "e", "AQAB")))
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

        given().auth().oauth2(NODE).contentType(ContentType.JSON).body("{\"usedBytes\":10,\"chunkCount\":1}")
                .put("/api/v1/nodes/" + nodeId + "/heartbeat")
                .then().statusCode(200).body("state", equalTo("UP"));
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
        given().auth().oauth2(NODE).contentType(ContentType.JSON).body("{\"usedBytes\":1,\"chunkCount\":1}")
                .put("/api/v1/nodes/" + nodeId + "/heartbeat")
                .then().statusCode(200).body("state", equalTo("DRAINING"));
        given().auth().oauth2(ADMIN).get("/api/v1/nodes?state=up")
                .then().statusCode(200).body("nodeId", not(hasItem(nodeId)));
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertEquals(1, nodeEvents(nodeId, "node.draining").size()));
        assertFalse(nodeEvents(nodeId, "node.down").stream().findAny().isPresent());
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
        given().auth().oauth2(NODE).contentType(ContentType.JSON).body("{\"usedBytes\":1,\"chunkCount\":1}")
                .put("/api/v1/nodes/" + nodeId + "/heartbeat").then().statusCode(200).body("state", equalTo("REMOVED"));
        given().auth().oauth2(ADMIN).delete("/api/v1/nodes/" + nodeId).then().statusCode(200)
                .body("state", equalTo("REMOVED"));
        given().auth().oauth2(NODE).contentType(ContentType.JSON).body(registration(url, "z2", nodeKey()))
                .post("/api/v1/nodes").then().statusCode(200).body("nodeId", equalTo(nodeId))
                .body("state", equalTo("UP"));
    }

    private static void publishRemoved(String nodeId, String source) throws Exception {
        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", io.p2pfs.testing.KafkaBroker.shared().bootstrapServers());
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
