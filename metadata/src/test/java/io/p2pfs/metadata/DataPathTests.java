package io.p2pfs.metadata;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.p2pfs.testing.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Upload and download through real peers, the real tracker and the real broker. */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DataPathTests {

    static final int KIB = 1024;
    static final int MIB = 1024 * KIB;
    static final String USER = "dora";
    static final String TOKEN = TestTokens.user(USER).claim("exp",
            java.time.Instant.now().plusSeconds(3 * 3600).getEpochSecond()).sign();

    static String dir;

    @BeforeEach
    void peersAndHomeDirectory() {
        TestPeers.atLeast(4);
        TestUsers.register(USER);
        if (dir == null) {
            dir = "/" + USER + "/t-" + UUID.randomUUID().toString().substring(0, 8);
            given().auth().oauth2(TOKEN).post("/api/v1/dirs" + dir).then().statusCode(201);
        }
    }

    static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    static Response upload(String path, byte[] content) {
        return TestCalls.upload(TOKEN, path, content);
    }

    static byte[] download(String path) {
        return TestCalls.download(TOKEN, path);
    }

    static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 256 * 1024 - 1, 256 * 1024, 256 * 1024 + 1, 4 * 1024 * 1024 - 1, 4 * 1024 * 1024,
            4 * 1024 * 1024 + 1})
    @Order(1)
    void roundTripsEdgeSizes(int size) throws Exception {
        byte[] content = random(size, size);
        String path = dir + "/edge-" + size + ".bin";
        upload(path, content).then().statusCode(201).body("size", equalTo(size)).body("version", equalTo(1))
                .body("sha256", equalTo(sha256(content)));
        assertArrayEquals(content, download(path));
        given().auth().oauth2(TOKEN).get("/api/v1/stat" + path).then().statusCode(200)
                .body("type", equalTo("FILE")).body("size", equalTo(size)).body("sha256", equalTo(sha256(content)))
                .body("owner", equalTo(USER));
    }

    @Test
    @Order(2)
    void roundTripsTwoHundredMibOfRandomData() throws Exception {
        long size = 200L * MIB;
        String path = dir + "/big.bin";
        StreamingClient.Upload up = StreamingClient.upload(MetadataTestResource.url, TOKEN, path, size, 200);
        assertEquals(201, up.status(), up.body());
        assertTrue(up.body().contains(up.sha256()), "the service reports the content's SHA-256");
        StreamingClient.Download down = StreamingClient.download(MetadataTestResource.url, TOKEN, path);
        assertEquals(200, down.status());
        assertEquals(size, down.bytes());
        assertEquals(up.sha256(), down.sha256());
    }

    @Test
    @Order(3)
    void theSameFileUploadedTwiceSendsNoNewChunk() {
        byte[] content = random(9 * MIB, 9);
        upload(dir + "/twice-a.bin", content).then().statusCode(201);
        long chunksBefore = TestPeers.count("SELECT count(*) FROM chunks");
        upload(dir + "/twice-b.bin", content).then().statusCode(201).body("chunksSent", equalTo(0));
        upload(dir + "/twice-a.bin", content).then().statusCode(200).body("version", equalTo(2))
                .body("chunksSent", equalTo(0));
        assertEquals(chunksBefore, TestPeers.count("SELECT count(*) FROM chunks"));
    }

    @Test
    @Order(4)
    void insertingOneKibIntoSixtyFourMibSendsAtMostThreeChunks() {
        byte[] original = random(64 * MIB, 64);
        byte[] edited = new byte[original.length + KIB];
        int middle = original.length / 2;
        System.arraycopy(original, 0, edited, 0, middle);
        System.arraycopy(random(KIB, 65), 0, edited, middle, KIB);
        System.arraycopy(original, middle, edited, middle + KIB, original.length - middle);
        String path = dir + "/incremental.bin";
        upload(path, original).then().statusCode(201);
        int sent = upload(path, edited).then().statusCode(200).body("version", equalTo(2)).extract()
                .path("chunksSent");
        assertTrue(sent <= 3, "chunks sent for a 1 KiB insert: " + sent);
        assertArrayEquals(edited, download(path));
        assertArrayEquals(original, given().auth().oauth2(TOKEN).get("/api/v1/files" + path + "?version=1")
                .then().statusCode(200).extract().asByteArray());
    }

    @Test
    @Order(5)
    void rangesConditionalsAndVersionsBehave() throws Exception {
        byte[] content = random(3 * MIB + 17, 5);
        String path = dir + "/ranged.bin";
        String etag = upload(path, content).then().statusCode(201).extract().header("ETag");
        byte[] middle = given().auth().oauth2(TOKEN).header("Range", "bytes=1000000-2500000")
                .get("/api/v1/files" + path).then().statusCode(206)
                .header("Content-Range", "bytes 1000000-2500000/" + content.length).extract().asByteArray();
        assertArrayEquals(java.util.Arrays.copyOfRange(content, 1_000_000, 2_500_001), middle);
        byte[] tail = given().auth().oauth2(TOKEN).header("Range", "bytes=-10").get("/api/v1/files" + path)
                .then().statusCode(206).extract().asByteArray();
        assertArrayEquals(java.util.Arrays.copyOfRange(content, content.length - 10, content.length), tail);
        given().auth().oauth2(TOKEN).header("Range", "bytes=" + content.length + "-").get("/api/v1/files" + path)
                .then().statusCode(416).contentType("application/problem+json");
        given().auth().oauth2(TOKEN).header("If-None-Match", etag).get("/api/v1/files" + path)
                .then().statusCode(304);
        given().auth().oauth2(TOKEN).head("/api/v1/files" + path).then().statusCode(200)
                .header("Content-Length", Integer.toString(content.length)).header("ETag", etag);

        given().auth().oauth2(TOKEN).header("If-None-Match", "*").contentType("application/octet-stream")
                .body(new byte[] {1}).put("/api/v1/files" + path).then().statusCode(412)
                .contentType("application/problem+json").body("currentEtag", equalTo(etag));
        given().auth().oauth2(TOKEN).header("If-Match", "\"0.0\"").contentType("application/octet-stream")
                .body(new byte[] {1}).put("/api/v1/files" + path).then().statusCode(412);
        given().auth().oauth2(TOKEN).header("If-Match", etag).contentType("application/octet-stream")
                .body(new byte[] {1, 2}).put("/api/v1/files" + path).then().statusCode(200).body("version", equalTo(2));

        given().auth().oauth2(TOKEN).get("/api/v1/versions" + path).then().statusCode(200)
                .body("version", equalTo(List.of(2, 1))).body("current", equalTo(List.of(true, false)));
        given().auth().oauth2(TOKEN).post("/api/v1/versions" + path + "/1/restore").then().statusCode(201)
                .body("version", equalTo(3));
        assertArrayEquals(content, download(path));
    }

    @Test
    @Order(6)
    void aMarkerStringReachesNoPeerAndNoDatabaseRowInClear() throws Exception {
        String marker = "MARKER-" + UUID.randomUUID();
        byte[] content = (marker + " ").repeat(40_000).getBytes(StandardCharsets.UTF_8);
        String path = dir + "/" + marker + ".txt";
        upload(path, content).then().statusCode(201);
        assertArrayEquals(content, download(path));
        given().auth().oauth2(TOKEN).get("/api/v1/list" + dir).then().statusCode(200);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> TestPeers.count("SELECT count(*) FROM outbox") == 0);

        byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
        for (TestPeers.Peer peer : TestPeers.atLeast(4)) {
            for (var file : peer.chunkFiles()) {
                assertFalse(contains(java.nio.file.Files.readAllBytes(file), needle), "marker on peer: " + file);
            }
        }
        String hexNeedle = HexFormat.of().formatHex(needle);
        for (String table : List.of("entries", "versions", "version_chunks", "chunks", "replicas", "nodes",
                "signing_keys", "outbox")) {
            assertEquals(0, TestPeers.count("SELECT count(*) FROM " + table + " t WHERE t::text LIKE '%" + marker
                    + "%' OR t::text LIKE '%" + hexNeedle + "%'"), "marker in table " + table);
        }
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    @Order(7)
    void anUploadCutOffMidBodyCommitsNothing() throws Exception {
        String path = dir + "/cut-off.bin";
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /api/v1/files" + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + (10 * MIB) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(random(3 * MIB, 3));
            out.flush();
        }
        org.awaitility.Awaitility.await().pollDelay(java.time.Duration.ofSeconds(2)).atMost(
                java.time.Duration.ofSeconds(10)).untilAsserted(() -> given().auth().oauth2(TOKEN)
                        .get("/api/v1/stat" + path).then().statusCode(404));
        assertEquals(0, TestPeers.count("SELECT count(*) FROM versions v JOIN entries e ON e.entry_id = v.entry_id "
                + "WHERE v.created_at > now() - interval '1 minute' AND v.size = " + (10 * MIB)));
    }

    @Test
    @Order(8)
    void aCorruptedReplicaStillDownloadsAndIsReportedAndReplaced() throws Exception {
        byte[] content = random(300 * KIB, 300);
        String path = dir + "/corrupt-me.bin";
        upload(path, content).then().statusCode(201);
        String chunkId = sha256OfOnlyChunk(path);
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> TestPeers.count(
                    "SELECT count(*) FROM replicas WHERE state = 'CONFIRMED' AND chunk_id = '" + chunkId + "'") == 3);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("third replica never confirmed; replicas: " + TestPeers.rows(
                    "SELECT node_id || ':' || state FROM replicas WHERE chunk_id = '" + chunkId + "'")
                    + "; placements: " + io.p2pfs.testing.KafkaRecords.events("p2pfs.chunks.placements",
                            ev -> ev.path("subject").asText().equals("chunk:" + chunkId)).size()
                    + "; confirmations: " + io.p2pfs.testing.KafkaRecords.events("p2pfs.chunks.confirmations",
                            ev -> ev.path("data").path("chunkId").asText().equals(chunkId)), e);
        }
        TestPeers.Peer victim = null;
        java.nio.file.Path file = null;
        for (TestPeers.Peer peer : TestPeers.atLeast(4)) {
            for (var candidate : peer.chunkFiles()) {
                if (candidate.getFileName().toString().equals(chunkId) && victim == null) {
                    victim = peer;
                    file = candidate;
                }
            }
        }
        assertTrue(file != null, "a peer holds the chunk");
        // Corrupt every copy but one, so the download must fall back past bad replicas.
        for (TestPeers.Peer peer : TestPeers.atLeast(4)) {
            for (var candidate : peer.chunkFiles()) {
                if (candidate.getFileName().toString().equals(chunkId) && peer != victim) {
                    byte[] bytes = java.nio.file.Files.readAllBytes(candidate);
                    bytes[bytes.length / 2] ^= 0x40;
                    java.nio.file.Files.write(candidate, bytes);
                }
            }
        }
        // Reads pick among equally good replicas at random: every download must be right, and
        // soon one of them meets a bad replica, falls back, and reports it.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> {
            assertArrayEquals(content, download(path));
            return TestPeers.count("SELECT count(*) FROM replicas WHERE state = 'BAD' AND chunk_id = '" + chunkId
                    + "'") >= 1;
        });
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> TestPeers.count(
                "SELECT count(*) FROM replicas WHERE state = 'CONFIRMED' AND chunk_id = '" + chunkId + "'") >= 2);
    }

    static String sha256OfOnlyChunk(String path) {
        long entry = TestPeers.count("SELECT max(entry_id) FROM entries WHERE kind = 'FILE'");
        String database = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("p2pfs.test.database", String.class);
        try (var connection = io.p2pfs.testing.TestPostgres.shared().connect(database);
                var query = connection.prepareStatement(
                        "SELECT chunk_id FROM version_chunks WHERE entry_id = ? ORDER BY version DESC, seq LIMIT 1")) {
            query.setLong(1, entry);
            try (var rows = query.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(9)
    void aOneGibUploadAndDownloadStreamThroughAMetadataJvmWithA256MibHeap() throws Exception {
        // ServiceProcess runs every service with -Xmx256m: the whole GiB must stream through that.
        io.p2pfs.testing.ServiceProcess small = MetadataProcess.start(java.util.Map.of());
        try {
            long size = 1L << 30;
            String path = dir + "/one-gib.bin";
            StreamingClient.Upload up = StreamingClient.upload(small.url(), TOKEN, path, size, 1024);
            assertEquals(201, up.status(), up.body());
            StreamingClient.Download down = StreamingClient.download(small.url(), TOKEN, path);
            assertEquals(200, down.status());
            assertEquals(size, down.bytes());
            assertEquals(up.sha256(), down.sha256());
            String log = java.nio.file.Files.readString(small.log());
            assertFalse(log.contains("OutOfMemoryError"), "the small-heap service never ran out of memory");
        } finally {
            small.stop();
        }
    }

    @Test
    @Order(20)
    void withOnePeerDownUploadAndDownloadStillWorkAndWithTwoDownUploadIs503() throws Exception {
        List<TestPeers.Peer> peers = TestPeers.atLeast(4);
        byte[] before = random(2 * MIB, 21);
        upload(dir + "/before-outage.bin", before).then().statusCode(201);

        peers.get(0).stop();
        peers.get(3).stop();
        TestPeers.awaitUpInMetadata(2);
        byte[] during = random(2 * MIB, 22);
        upload(dir + "/one-zone-down.bin", during).then().statusCode(201);
        assertArrayEquals(during, download(dir + "/one-zone-down.bin"));
        assertArrayEquals(before, download(dir + "/before-outage.bin"));

        peers.get(1).stop();
        TestPeers.awaitUpInMetadata(1);
        long versions = TestPeers.count("SELECT count(*) FROM versions");
        upload(dir + "/two-down.bin", random(MIB, 23)).then().statusCode(503)
                .contentType("application/problem+json");
        given().auth().oauth2(TOKEN).get("/api/v1/stat" + dir + "/two-down.bin").then().statusCode(404);
        assertEquals(versions, TestPeers.count("SELECT count(*) FROM versions"));

        for (TestPeers.Peer peer : List.of(peers.get(0), peers.get(1), peers.get(3))) {
            peer.start();
        }
        TestPeers.awaitUpInMetadata(4);
    }
}
