package io.p2pfs.metadata.repair;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.p2pfs.client.transfer.Uploader;
import io.p2pfs.common.chunks.InventoryReports;
import io.p2pfs.metadata.DirectClients;
import io.p2pfs.metadata.MetadataTestResource;
import io.p2pfs.metadata.TestPeers;
import io.p2pfs.testing.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Inventory reconciliation with real peers, which report what they hold every 2 s in tests: a
 * chunk a peer lost is found missing and copied back to R; a copy the service forgot is counted
 * again; garbage a peer holds that nothing tracks is deleted; a report not signed by the node's
 * own key changes nothing.
 */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
class InventoryReconciliationTests {

    static final String USER = "iris";

    static String dir;

    @BeforeEach
    void peersAndDirectory() {
        TestPeers.atLeast(4);
        if (dir == null) {
            dir = "/" + USER + "/inventory-" + UUID.randomUUID().toString().substring(0, 8);
            DirectClients.of(USER).mkdirs(dir);
        }
    }

    @Test
    void aChunkAPeerLostIsFoundMissingAndCopiedBackToR() throws Exception {
        String path = dir + "/lost.bin";
        byte[] content = upload(path, 250 * 1024, 1);
        String chunk = onlyChunk(path);
        TestPeers.Peer holder = TestPeers.holding(chunk, 4).get(0);
        String node = holder.nodeId();
        // Confirmed long before the peer lists its chunks.
        TestPeers.execute("UPDATE replicas SET updated_at = now() - interval '1 hour' WHERE chunk_id = '" + chunk + "'");
        holder.stop();
        Files.delete(holder.storePathOf(chunk));
        holder.start();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                TestPeers.count("SELECT count(*) FROM replicas WHERE chunk_id = '" + chunk + "' AND node_id = '" + node
                        + "' AND state = 'CONFIRMED'") == 0
                        && TestPeers.count("SELECT count(*) FROM replicas r JOIN nodes n ON n.node_id = r.node_id "
                                + "WHERE r.chunk_id = '" + chunk + "' AND r.state = 'CONFIRMED' AND n.state = 'UP' "
                                + "AND r.node_id <> '" + node + "'") == 3);
        assertArrayEquals(content, download(path));
    }

    @Test
    void aCopyTheServiceForgotIsCountedAgain() throws Exception {
        String path = dir + "/forgotten.bin";
        upload(path, 240 * 1024, 2);
        String chunk = onlyChunk(path);
        String node = TestPeers.holding(chunk, 4).get(0).nodeId();
        TestPeers.execute("DELETE FROM replicas WHERE chunk_id = '" + chunk + "' AND node_id = '" + node + "'");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> TestPeers.count("SELECT count(*) FROM replicas "
                + "WHERE chunk_id = '" + chunk + "' AND node_id = '" + node + "' AND state = 'CONFIRMED'") == 1);
    }

    @Test
    void garbageAPeerHoldsThatNothingTracksIsDeleted() throws Exception {
        TestPeers.Peer peer = TestPeers.atLeast(4).get(3);
        byte[] stray = new byte[64 * 1024];
        new Random(3).nextBytes(stray);
        String id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(stray));
        peer.stop();
        Path file = peer.storePathOf(id);
        Files.createDirectories(file.getParent());
        Files.write(file, stray);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofDays(1))));
        peer.start();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> !Files.exists(file));
        assertEquals(0, TestPeers.count("SELECT count(*) FROM chunks WHERE chunk_id = '" + id + "'"));
    }

    @Test
    void aReportNotSignedByTheNodesOwnKeyChangesNothing() throws Exception {
        String path = dir + "/kept.bin";
        upload(path, 200 * 1024, 4);
        String chunk = onlyChunk(path);
        String node = TestPeers.holding(chunk, 4).get(0).nodeId();
        TestPeers.execute("UPDATE replicas SET updated_at = now() - interval '1 hour' WHERE node_id = '" + node + "'");
        long held = TestPeers.count("SELECT count(*) FROM replicas WHERE node_id = '" + node + "' AND state = 'CONFIRMED'");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        // "I hold nothing": accepted, it would mark every replica of the node missing.
        String forged = InventoryReports.sign(new InventoryReports.Report(node, null, true, Instant.now().getEpochSecond(),
                List.of()), generator.generateKeyPair().getPrivate(), "stranger");
        String nodeToken = TestTokens.node().sign();
        post(nodeToken, node, forged).then().statusCode(403).contentType("application/problem+json");
        post(nodeToken, UUID.randomUUID().toString(), forged).then().statusCode(403);
        post(nodeToken, node, "not.a.report").then().statusCode(400).contentType("application/problem+json");
        post(DirectClients.token(USER), node, forged).then().statusCode(403);
        String other = UUID.randomUUID().toString();
        post(nodeToken, other, InventoryReports.sign(new InventoryReports.Report(other, null, true,
                Instant.now().getEpochSecond(), List.of()), generator.generateKeyPair().getPrivate(), "k")).then()
                .statusCode(404);
        assertEquals(held, TestPeers.count("SELECT count(*) FROM replicas WHERE node_id = '" + node
                + "' AND state = 'CONFIRMED'"), "nothing was marked missing");
    }

    // ---------------------------------------------------------------------------------------

    static io.restassured.response.Response post(String token, String node, String report) {
        return given().auth().oauth2(token).contentType("application/json").body(Map.of("report", report))
                .post("/api/v1/nodes/" + node + "/inventory");
    }

    static byte[] upload(String path, int size, long seed) throws Exception {
        byte[] content = new byte[size];
        new Random(seed).nextBytes(content);
        DirectClients.of(USER).upload(path, new ByteArrayInputStream(content), Uploader.Options.none());
        String chunk = onlyChunk(path);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> TestPeers.count("SELECT count(*) FROM replicas "
                + "WHERE state = 'CONFIRMED' AND chunk_id = '" + chunk + "'") == 3);
        return content;
    }

    static byte[] download(String path) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DirectClients.of(USER).download(path, out);
        return out.toByteArray();
    }

    static String onlyChunk(String path) {
        List<String> chunks = DirectClients.chunkIds(DirectClients.of(USER), path);
        assertEquals(1, chunks.size());
        return chunks.get(0);
    }
}
