package io.p2pfs.peer.chunks;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.p2pfs.common.chunks.StorageReceipts;
import io.p2pfs.peer.PeerTestResource;
import io.p2pfs.peer.TestChunks;
import io.p2pfs.testing.TestChunkTokens;
import io.p2pfs.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PeerTestResource.class)
class ChunkResourceTests {

    private static final String OCTETS = "application/octet-stream";

    @Inject
    ChunkStore store;

    private static Response put(String chunkId, byte[] body, String token) {
        return given().header("Chunk-Token", token).contentType(OCTETS).body(body).put("/chunks/" + chunkId);
    }

    @Test
    void storedChunkIsServedByGetAndHeadAndGoneAfterDelete() throws Exception {
        byte[] body = TestChunks.random(300_000);
        String id = TestChunks.id(body);
        String receipt = put(id, body, TestChunks.token(id, "write")).then().statusCode(201)
                .body("chunkId", equalTo(id)).body("size", equalTo(body.length)).extract().path("receipt");
        assertEquals(new StorageReceipts.Receipt(id, TestChunks.nodeId(), body.length,
                StorageReceipts.claims(receipt).issuedAt()), StorageReceipts.verify(receipt, registeredKey()));

        byte[] served = given().header("Chunk-Token", TestChunks.token(id, "read")).get("/chunks/" + id).then()
                .statusCode(200).contentType(OCTETS).extract().asByteArray();
        assertArrayEquals(body, served);
        given().header("Chunk-Token", TestChunks.token(id, "read")).head("/chunks/" + id).then().statusCode(200)
                .header("Content-Length", Integer.toString(body.length));

        given().header("Chunk-Token", TestChunks.token(id, "delete")).delete("/chunks/" + id).then().statusCode(204);
        given().header("Chunk-Token", TestChunks.token(id, "read")).get("/chunks/" + id).then().statusCode(404)
                .contentType("application/problem+json");
        assertFalse(Files.exists(TestChunks.fileOf(id)));
    }

    /** The key the tracker holds for this node, as it got it with the node's registration. */
    private static java.security.PublicKey registeredKey() {
        java.util.Map<String, Object> jwk = given().baseUri(io.p2pfs.testing.TestTracker.shared().url())
                .auth().oauth2(TestTokens.user("key-reader").roles("admin").sign())
                .get("/api/v1/nodes/" + TestChunks.nodeId()).then().statusCode(200).extract().path("publicKey");
        return io.p2pfs.common.keys.EcJwk.parse(jwk);
    }

    @Test
    void sameChunkAgainGetsTheSameAnswerAndAReceiptWithoutASecondCopy() throws Exception {
        byte[] body = TestChunks.random(10_000);
        String id = TestChunks.id(body);
        put(id, body, TestChunks.token(id, "write")).then().statusCode(201);
        long used = store.usedBytes();
        String receipt = put(id, body, TestChunks.token(id, "write")).then().statusCode(201)
                .body("chunkId", equalTo(id)).body("size", equalTo(body.length)).extract().path("receipt");
        assertEquals(id, StorageReceipts.verify(receipt, registeredKey()).chunkId());
        assertEquals(used, store.usedBytes());
    }

    @Test
    void aHeldChunkIsNotAcknowledgedForABodyThatIsNotIt() {
        byte[] body = TestChunks.random(10_000);
        String id = TestChunks.id(body);
        put(id, body, TestChunks.token(id, "write")).then().statusCode(201);
        byte[] other = TestChunks.random(10_000);
        put(id, other, TestChunks.token(id, "write")).then().statusCode(422)
                .contentType("application/problem+json").body("receipt", equalTo(null));
        assertArrayEquals(body, given().header("Chunk-Token", TestChunks.token(id, "read")).get("/chunks/" + id)
                .then().statusCode(200).extract().asByteArray());
    }

    @Test
    void tamperedBodyIsUnprocessableAndNothingIsStored() throws Exception {
        byte[] body = TestChunks.random(20_000);
        String id = TestChunks.id(body);
        body[777] ^= 1;
        put(id, body, TestChunks.token(id, "write")).then().statusCode(422)
                .contentType("application/problem+json").body("status", equalTo(422));
        assertFalse(Files.exists(TestChunks.fileOf(id)));
        assertFalse(store.contains(new io.p2pfs.common.chunks.ChunkId(id)));
        try (Stream<Path> temps = Files.list(TestChunks.dataDir().resolve("tmp"))) {
            assertTrue(temps.noneMatch(temp -> temp.getFileName().toString().startsWith(id)));
        }
    }

    @Test
    void tokensForAnythingElseAreRefused() {
        byte[] body = TestChunks.random(4_000);
        String id = TestChunks.id(body);
        String other = TestChunks.id(TestChunks.random(10));
        String node = TestChunks.nodeId();
        TestChunkTokens tokens = TestChunkTokens.shared();

        put(id, body, tokens.token(other, "write", node).sign()).then().statusCode(403)
                .contentType("application/problem+json");
        put(id, body, tokens.token(id, "read", node).sign()).then().statusCode(403);
        put(id, body, tokens.token(id, "write", "another-node").sign()).then().statusCode(403);
        put(id, body, tokens.token(id, "write", node).expired().sign()).then().statusCode(401)
                .contentType("application/problem+json");
        put(id, body, tokens.token(id, "write", node).unsigned().sign()).then().statusCode(401);
        put(id, body, tokens.token(id, "write", node).signedByStranger().sign()).then().statusCode(401);
        put(id, body, tokens.token(id, "write", node).issuer("https://evil.example").sign()).then().statusCode(401);
        put(id, body, tokens.token(id, "write", node).lifetime(Duration.ofHours(1)).sign()).then().statusCode(401);
        // an OAuth bearer token is no chunk token, even a valid one
        put(id, body, TestTokens.node().sign()).then().statusCode(401);
        given().contentType(OCTETS).body(body).put("/chunks/" + id).then().statusCode(401);
        given().auth().oauth2(TestTokens.user("root").roles("admin").sign()).get("/chunks/" + id).then()
                .statusCode(401);

        assertFalse(Files.exists(TestChunks.fileOf(id)));
        put(id, body, tokens.token(id, "write", node).sign()).then().statusCode(201);

        // Every refusal is an access.denied event on Kafka, without the token, on the one topic a peer writes.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            var denials = io.p2pfs.testing.KafkaRecords.events(io.p2pfs.common.events.Topics.CHUNK_CONFIRMATIONS,
                    e -> e.path("subject").asText().equals("/chunks/" + id));
            // Callers without an identity are folded per client, status and reason: each event counts its own.
            assertEquals(11, io.p2pfs.testing.KafkaRecords.refusals(denials));
            assertEquals(3, io.p2pfs.testing.KafkaRecords.refusals(denials.stream()
                    .filter(e -> e.path("data").path("details").path("status").asInt() == 403).toList()));
            assertTrue(denials.stream().allMatch(e -> e.path("type").asText().equals("access.denied")
                    && e.path("data").path("outcome").asText().equals("DENIED") && !e.toString().contains("eyJ")));
        });
    }

    @Test
    void keySetIsFetchedOnceNotForEveryToken() {
        byte[] first = TestChunks.random(2_000);
        String firstId = TestChunks.id(first);
        put(firstId, first, TestChunks.token(firstId, "write")).then().statusCode(201);
        int fetched = TestChunkTokens.shared().jwksRequests();
        for (int i = 0; i < 8; i++) {
            byte[] body = TestChunks.random(2_000);
            String id = TestChunks.id(body);
            put(id, body, TestChunks.token(id, "write")).then().statusCode(201);
            given().header("Chunk-Token", TestChunks.token(id, "read")).get("/chunks/" + id).then().statusCode(200);
        }
        assertEquals(fetched, TestChunkTokens.shared().jwksRequests(),
                "16 chunk operations with tokens of a known key fetch no key set");
    }

    @Test
    void keyRotationAtTheMetadataServiceIsPickedUp() {
        byte[] body = TestChunks.random(4_000);
        String id = TestChunks.id(body);
        put(id, body, TestChunks.token(id, "write")).then().statusCode(201);
        TestChunkTokens.shared().rotate();
        given().header("Chunk-Token", TestChunks.token(id, "read")).get("/chunks/" + id).then().statusCode(200);
    }

    @Test
    void sixteenConcurrentPutsOfOneChunkLeaveOneFileWithTheRightContent() throws Exception {
        byte[] body = TestChunks.random(1_000_000);
        String id = TestChunks.id(body);
        String token = TestChunks.token(id, "write");
        long used = store.usedBytes();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                statuses.add(pool.submit(() -> {
                    start.await();
                    return put(id, body, token).statusCode();
                }));
            }
            start.countDown();
            for (Future<Integer> status : statuses) {
                assertEquals(201, status.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertArrayEquals(body, Files.readAllBytes(TestChunks.fileOf(id)));
        assertEquals(used + body.length, store.usedBytes());
        try (Stream<Path> shard = Files.list(TestChunks.fileOf(id).getParent());
                Stream<Path> temps = Files.list(TestChunks.dataDir().resolve("tmp"))) {
            assertEquals(1, shard.filter(p -> p.getFileName().toString().equals(id)).count());
            assertTrue(temps.noneMatch(temp -> temp.getFileName().toString().startsWith(id)));
        }
    }

    @Test
    void leftoverTemporaryFileFromACrashIsRemovedAtStartAndNeverServed() throws Exception {
        String leftover = ConfigProvider.getConfig().getValue("p2pfs.test.leftover-chunk", String.class);
        try (Stream<Path> temps = Files.list(TestChunks.dataDir().resolve("tmp"))) {
            assertTrue(temps.noneMatch(temp -> temp.getFileName().toString().startsWith(leftover)));
        }
        given().header("Chunk-Token", TestChunks.token(leftover, "read")).get("/chunks/" + leftover).then()
                .statusCode(404);
        given().header("Chunk-Token", TestChunks.token(leftover, "read")).head("/chunks/" + leftover).then()
                .statusCode(404);
    }

    @Test
    void oversizeBodyIsRefusedWithoutReadingItAll() throws Exception {
        String id = TestChunks.id(TestChunks.random(32));
        String token = TestChunks.token(id, "write");
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /chunks/" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\nChunk-Token: " + token
                    + "\r\nContent-Type: application/octet-stream\r\nContent-Length: 8000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[64 * 1024]);
            out.flush();
            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertTrue(statusLine.startsWith("HTTP/1.1 413"), statusLine);
        }
        assertFalse(Files.exists(TestChunks.fileOf(id)));
    }

    @Test
    void bodyOverCapacityIsInsufficientStorage() {
        List<String> fillers = new ArrayList<>();
        try {
            while (store.capacityBytes() - store.usedBytes() >= store.maxChunkBytes()) {
                byte[] filler = TestChunks.random(4 * 1024 * 1024);
                String fillerId = TestChunks.id(filler);
                put(fillerId, filler, TestChunks.token(fillerId, "write")).then().statusCode(201);
                fillers.add(fillerId);
            }
            byte[] body = TestChunks.random((int) (store.capacityBytes() - store.usedBytes()) + 1);
            String id = TestChunks.id(body);
            put(id, body, TestChunks.token(id, "write")).then().statusCode(507)
                    .contentType("application/problem+json").body("title", startsWith("Insufficient"));
            assertFalse(Files.exists(TestChunks.fileOf(id)));
        } finally {
            for (String fillerId : fillers) {
                given().header("Chunk-Token", TestChunks.token(fillerId, "delete")).delete("/chunks/" + fillerId)
                        .then().statusCode(204);
            }
        }
    }

    @Test
    void inventoryPagesThroughHeldChunksForNodesAndAdmins() {
        for (int i = 0; i < 3; i++) {
            byte[] body = TestChunks.random(1_000);
            String id = TestChunks.id(body);
            put(id, body, TestChunks.token(id, "write")).then().statusCode(201);
        }
        String node = TestTokens.node().sign();
        List<String> all = new ArrayList<>();
        String after = "";
        while (after != null) {
            var page = given().auth().oauth2(node).queryParam("after", after).queryParam("limit", 2)
                    .get("/api/v1/inventory").then().statusCode(200).extract().jsonPath();
            all.addAll(page.getList("chunks.chunkId", String.class));
            after = page.getString("next");
        }
        assertEquals(store.chunkCount(), all.size());
        assertEquals(all.stream().sorted().toList(), all);
        given().auth().oauth2(TestTokens.user("someone").sign()).get("/api/v1/inventory").then().statusCode(403);
        given().get("/api/v1/inventory").then().statusCode(401);
        given().auth().oauth2(TestTokens.user("root").roles("admin").sign()).get("/api/v1/inventory").then()
                .statusCode(200);
        given().auth().oauth2(node).get("/api/v1/status").then().statusCode(200)
                .body("nodeId", equalTo(TestChunks.nodeId())).body("chunkCount", equalTo((int) store.chunkCount()));
    }
}
