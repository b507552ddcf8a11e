package io.p2pfs.metadata;

import static io.p2pfs.metadata.DataPathTests.random;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.p2pfs.client.P2pfsClient;
import io.p2pfs.client.api.Uploads;
import io.p2pfs.client.transfer.Uploader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The direct data path: the client library moves the chunks between itself and real peers,
 * while the metadata service under test decides, checks and records. Files written one way are
 * read the other way (through the gateway), and a large file goes through a client JVM whose
 * heap is far smaller than the file.
 */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DirectDataPathTests {

    static final int KIB = 1024;
    static final int MIB = 1024 * KIB;
    static final String USER = "dina";
    static final String OTHER = "oskar";

    static String dir;
    static String otherDir;

    @BeforeEach
    void peersAndDirectories() {
        TestPeers.atLeast(4);
        if (dir == null) {
            String name = "direct-" + UUID.randomUUID().toString().substring(0, 8);
            dir = "/" + USER + "/" + name;
            otherDir = "/" + OTHER + "/" + name + "-other";
            DirectClients.of(USER).mkdirs(dir);
            DirectClients.of(OTHER).mkdirs(otherDir);
        }
    }

    static byte[] download(P2pfsClient client, String path) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        client.download(path, out);
        return out.toByteArray();
    }

    static Uploader.Outcome upload(P2pfsClient client, String path, byte[] content) throws IOException {
        return client.upload(path, new ByteArrayInputStream(content), Uploader.Options.none());
    }

    static List<String> chunkIds(P2pfsClient client, String path) {
        return DirectClients.chunkIds(client, path);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 256 * 1024})
    @Order(1)
    void theLibraryRoundTripsEmptyOneByteAndOneChunkFiles(int size) throws Exception {
        P2pfsClient client = DirectClients.of(USER);
        byte[] content = random(size, size + 1);
        String path = dir + "/small-" + size + ".bin";
        Uploader.Outcome outcome = upload(client, path, content);
        assertEquals(size, outcome.result().size());
        assertEquals(size == 0 ? 0 : 1, outcome.result().chunks());
        assertEquals(1, outcome.result().version());
        assertTrue(outcome.result().created());
        assertEquals(size == 0 ? 0 : 2 * (size + 16), outcome.bytesWritten(), "W=2 replicas written by the client");
        assertArrayEquals(content, download(client, path));
        assertEquals(size, client.stat(path).size());
        assertEquals(DataPathTests.sha256(content), client.stat(path).sha256());
    }

    @Test
    @Order(2)
    void whatOnePathWritesTheOtherReads() throws Exception {
        P2pfsClient client = DirectClients.of(USER);
        String token = DirectClients.token(USER);
        byte[] direct = random(3 * MIB + 5, 2);
        upload(client, dir + "/written-direct.bin", direct);
        assertArrayEquals(direct, given().auth().oauth2(token).get("/api/v1/files" + dir + "/written-direct.bin")
                .then().statusCode(200).extract().asByteArray());
        byte[] ranged = given().auth().oauth2(token).header("Range", "bytes=1000000-2000000")
                .get("/api/v1/files" + dir + "/written-direct.bin").then().statusCode(206).extract().asByteArray();
        assertArrayEquals(java.util.Arrays.copyOfRange(direct, 1_000_000, 2_000_001), ranged);

        byte[] gateway = random(2 * MIB + 3, 3);
        given().auth().oauth2(token).contentType("application/octet-stream").body(gateway)
                .put("/api/v1/files" + dir + "/written-gateway.bin").then().statusCode(201);
        assertArrayEquals(gateway, download(client, dir + "/written-gateway.bin"));
        ByteArrayOutputStream part = new ByteArrayOutputStream();
        long read = client.open(dir + "/written-gateway.bin", null, 1_500_000, 500_000L).writeTo(part);
        assertEquals(500_000, read);
        assertArrayEquals(java.util.Arrays.copyOfRange(gateway, 1_500_000, 2_000_000), part.toByteArray());
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        assertEquals(gateway.length - 2_000_000, client.open(dir + "/written-gateway.bin", null, 2_000_000, null)
                .writeTo(tail));
    }

    /** Runs {@link BoundedTransfer} in a JVM of its own with a 128 MiB heap; answers its result line. */
    static Map<String, String> boundedClient(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx128m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                BoundedTransfer.class.getName()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("p2pfs-bounded-client", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertTrue(process.waitFor(10, TimeUnit.MINUTES), "the client finished");
            String output = Files.readString(log);
            assertEquals(0, process.exitValue(), output);
            assertFalse(output.contains("OutOfMemoryError"), output);
            String line = output.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no result line: " + output));
            Map<String, String> result = new java.util.HashMap<>();
            for (String pair : line.substring(7).split(" ")) {
                String[] kv = pair.split("=", 2);
                result.put(kv[0], kv[1]);
            }
            return result;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    @Test
    @Order(3)
    void aGibStreamsThroughAClientWithA128MibHeapAndAOneMibEditSendsUnderOnePercent() throws Exception {
        String token = DirectClients.token(USER);
        String path = dir + "/one-gib-direct.bin";
        long size = 1L << 30;
        Map<String, String> up = boundedClient("upload", MetadataTestResource.url, token, path, Long.toString(size),
                "77");
        assertEquals(Long.toString(size), up.get("bytes"));
        assertTrue(Long.parseLong(up.get("heapMax")) <= 160L * MIB, "the client ran with a small heap");
        Map<String, String> down = boundedClient("download", MetadataTestResource.url, token, path);
        assertEquals(up.get("sha256"), down.get("sha256"));
        assertEquals(Long.toString(size), down.get("bytes"));

        Map<String, String> edited = boundedClient("upload", MetadataTestResource.url, token, path, Long.toString(size),
                "77", Long.toString(size / 2 + 12345), Long.toString(MIB), "78");
        assertEquals("2", edited.get("version"));
        long written = Long.parseLong(edited.get("written"));
        // A full upload sends W = 2 copies of every byte; the edit sends the few chunks around it.
        assertTrue(written <= 0.01 * 2 * size, "bytes sent for a 1 MiB insert: " + written);
        assertTrue(written > 0, "the inserted bytes were sent");
        Map<String, String> editedDown = boundedClient("download", MetadataTestResource.url, token, path);
        assertEquals(edited.get("sha256"), editedDown.get("sha256"));
        assertNotEquals(up.get("sha256"), editedDown.get("sha256"));
    }

    @Test
    @Order(4)
    void twoUsersStoringTheSameContentGetDifferentChunkIdsAndNoDedupAcrossThem() throws Exception {
        byte[] content = random(5 * MIB, 4);
        Uploader.Outcome mine = upload(DirectClients.of(USER), dir + "/same.bin", content);
        List<String> myChunks = chunkIds(DirectClients.of(USER), dir + "/same.bin");
        Uploader.Outcome theirs = upload(DirectClients.of(OTHER), otherDir + "/same.bin", content);
        List<String> theirChunks = chunkIds(DirectClients.of(OTHER), otherDir + "/same.bin");
        // Each writer cuts with a gear table of its own key, so even the chunk counts may differ.
        assertEquals(theirs.result().chunks(), theirs.result().chunksSent(), "nothing deduplicated across users");
        Set<String> shared = new HashSet<>(myChunks);
        shared.retainAll(theirChunks);
        assertTrue(shared.isEmpty(), "chunk ids in common: " + shared);
        // Within one user's data, the same content again sends nothing.
        Uploader.Outcome again = upload(DirectClients.of(USER), dir + "/same-again.bin", content);
        assertEquals(0, again.result().chunksSent());
        assertEquals(0, again.bytesWritten());
    }

    @Test
    @Order(5)
    void noAnswerTellsAUserWhetherAnotherUserHoldsAChunk() throws Exception {
        byte[] content = random(MIB + 7, 5);
        upload(DirectClients.of(USER), dir + "/secret.bin", content);
        String held = chunkIds(DirectClients.of(USER), dir + "/secret.bin").get(0);
        String never = randomChunkId();
        P2pfsClient other = DirectClients.of(OTHER);
        var control = other.controlPlane();
        Uploads.Session session = control.begin(new Uploads.Begin(otherDir + "/probe.bin", null, false), Set.of());
        Uploads.Placements answer = control.place(session.uploadId(), new Uploads.PlacementRequest(List.of(
                new Uploads.ChunkToPlace(held, MIB + 7 + 16), new Uploads.ChunkToPlace(never, MIB + 7 + 16))));
        Uploads.ChunkPlacement forHeld = answer.chunks().get(0);
        Uploads.ChunkPlacement forNever = answer.chunks().get(1);
        assertFalse(forHeld.stored());
        assertFalse(forNever.stored());
        assertEquals(forNever.targets().size(), forHeld.targets().size());

        // A commit naming the other user's chunk without receipts is refused exactly like an unknown one.
        var refusedHeld = UploadRefusalTests.refused(() -> control.commit(session.uploadId(), new Uploads.Commit(List.of(
                new Uploads.ManifestEntry(held, "00".repeat(32), MIB + 7)), List.of(), "00".repeat(32)), Set.of()));
        var refusedNever = UploadRefusalTests.refused(() -> control.commit(session.uploadId(), new Uploads.Commit(List.of(
                new Uploads.ManifestEntry(never, "00".repeat(32), MIB + 7)), List.of(), "00".repeat(32)), Set.of()));
        assertEquals(refusedNever.status(), refusedHeld.status());
        assertEquals(refusedNever.problem().get("reason"), refusedHeld.problem().get("reason"));

        // A storage node answers a body that is not the chunk the same way, held or not.
        Uploads.Target target = forHeld.targets().get(0);
        Uploads.Target neverTarget = forNever.targets().stream().filter(t -> t.nodeId().equals(target.nodeId()))
                .findFirst().orElseThrow();
        int heldStatus = putStatus(other, target, held, random(100, 6));
        int neverStatus = putStatus(other, neverTarget, never, random(100, 6));
        assertEquals(422, heldStatus);
        assertEquals(neverStatus, heldStatus);

        // Reports are accepted alike.
        given().auth().oauth2(DirectClients.token(OTHER)).contentType("application/json")
                .body(Map.of("chunkId", held, "nodeId", target.nodeId(), "reason", "probe"))
                .post("/api/v1/replicas/reports").then().statusCode(202);
        given().auth().oauth2(DirectClients.token(OTHER)).contentType("application/json")
                .body(Map.of("chunkId", never, "nodeId", target.nodeId(), "reason", "probe"))
                .post("/api/v1/replicas/reports").then().statusCode(202);
        control.abort(session.uploadId());
    }

    static String randomChunkId() {
        byte[] id = new byte[32];
        new java.security.SecureRandom().nextBytes(id);
        return java.util.HexFormat.of().formatHex(id);
    }

    static int putStatus(P2pfsClient client, Uploads.Target target, String chunkId, byte[] body) throws Exception {
        try {
            client.transport().put(target.url(), chunkId, target.writeToken(), body).get(30, TimeUnit.SECONDS);
            return 201;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof io.p2pfs.client.transfer.ChunkTransport.Refused refused) {
                return refused.status();
            }
            throw e;
        }
    }

    @Test
    @Order(6)
    void aSoundReplicaReportedBadStays() throws Exception {
        byte[] content = random(600 * KIB, 7);
        upload(DirectClients.of(USER), dir + "/sound.bin", content);
        String chunkId = chunkIds(DirectClients.of(USER), dir + "/sound.bin").get(0);
        String node = TestPeers.rows("SELECT CAST(node_id AS text) FROM replicas WHERE chunk_id = '" + chunkId
                + "' AND state = 'CONFIRMED' LIMIT 1").get(0);
        double before = metric("p2pfs_replica_checks_total", "verdict=\"sound\"");
        given().auth().oauth2(DirectClients.token(USER)).contentType("application/json")
                .body(Map.of("chunkId", chunkId, "nodeId", node, "reason", "it looked wrong to me"))
                .post("/api/v1/replicas/reports").then().statusCode(202);
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> metric("p2pfs_replica_checks_total", "verdict=\"sound\"") > before);
        assertEquals(1, TestPeers.count("SELECT count(*) FROM replicas WHERE chunk_id = '" + chunkId
                + "' AND node_id = '" + node + "' AND state = 'CONFIRMED'"));
        assertArrayEquals(content, download(DirectClients.of(USER), dir + "/sound.bin"));
    }

    static double metric(String name, String label) {
        String metrics = given().auth().oauth2(io.p2pfs.testing.TestTokens.user("prometheus").roles("metrics").sign()).get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith(name + "{") && l.contains(label))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    @Order(7)
    void aCorruptReplicaIsSkippedReportedCheckedAndReplaced() throws Exception {
        byte[] content = random(300 * KIB, 8);
        String path = dir + "/corrupt-direct.bin";
        upload(DirectClients.of(USER), path, content);
        String chunkId = chunkIds(DirectClients.of(USER), path).get(0);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> TestPeers.count(
                "SELECT count(*) FROM replicas WHERE state = 'CONFIRMED' AND chunk_id = '" + chunkId + "'") == 3);
        Path corrupted = null;
        for (TestPeers.Peer peer : TestPeers.atLeast(4)) {
            for (Path file : peer.chunkFiles()) {
                if (file.getFileName().toString().equals(chunkId) && corrupted == null) {
                    byte[] bytes = Files.readAllBytes(file);
                    bytes[bytes.length / 3] ^= 0x20;
                    Files.write(file, bytes);
                    corrupted = file;
                }
            }
        }
        assertTrue(corrupted != null, "a peer holds the chunk");
        // Reads spread over the replicas: every download is right, and one soon meets the bad copy.
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            assertArrayEquals(content, download(DirectClients.of(USER), path));
            return TestPeers.count("SELECT count(*) FROM replicas WHERE state = 'BAD' AND chunk_id = '" + chunkId
                    + "'") == 1;
        });
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> TestPeers.count(
                "SELECT count(*) FROM replicas WHERE state = 'CONFIRMED' AND chunk_id = '" + chunkId + "'") >= 3);
    }

    @Test
    @Order(8)
    void theContentHashIsShownOnlyToThoseWhoMayDownloadAndIsInNoEvent() throws Exception {
        String shared = dir + "/hash-shared";
        DirectClients.of(USER).mkdirs(shared);
        byte[] content = random(200 * KIB, 10);
        String path = shared + "/hashed.bin";
        upload(DirectClients.of(USER), path, content);
        String owner = DirectClients.token(USER);
        String reader = DirectClients.token(OTHER);
        given().auth().oauth2(owner).contentType("application/json")
                .body("{\"entries\":[{\"principal\":\"user:" + OTHER + "\",\"permissions\":[\"READ\"]}]}")
                .put("/api/v1/acl" + shared).then().statusCode(200);
        given().auth().oauth2(reader).get("/api/v1/stat" + path).then().statusCode(200)
                .body("size", org.hamcrest.Matchers.equalTo(content.length))
                .body("sha256", org.hamcrest.Matchers.nullValue());
        given().auth().oauth2(reader).get("/api/v1/versions" + path).then().statusCode(200)
                .body("[0].sha256", org.hamcrest.Matchers.nullValue());
        given().auth().oauth2(reader).head("/api/v1/files" + path).then().statusCode(200)
                .header("X-P2pfs-Sha256", org.hamcrest.Matchers.nullValue());
        given().auth().oauth2(reader).get("/api/v1/manifests" + path).then().statusCode(403)
                .contentType("application/problem+json");

        given().auth().oauth2(owner).contentType("application/json")
                .body("{\"entries\":[{\"principal\":\"user:" + OTHER + "\",\"permissions\":[\"READ\",\"DOWNLOAD\"]}]}")
                .put("/api/v1/acl" + shared).then().statusCode(200);
        String sha = DataPathTests.sha256(content);
        given().auth().oauth2(reader).get("/api/v1/stat" + path).then().statusCode(200)
                .body("sha256", org.hamcrest.Matchers.equalTo(sha));
        given().auth().oauth2(reader).get("/api/v1/manifests" + path).then().statusCode(200)
                .body("sha256", org.hamcrest.Matchers.equalTo(sha));

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !io.p2pfs.testing.KafkaRecords.events(
                io.p2pfs.common.events.Topics.FILES, e -> e.path("subject").asText().equals(path)).isEmpty());
        for (var event : io.p2pfs.testing.KafkaRecords.events(io.p2pfs.common.events.Topics.FILES,
                e -> e.path("subject").asText().equals(path))) {
            assertFalse(event.toString().contains(sha), "the content's hash is in no event: " + event);
        }
        assertEquals(0, TestPeers.count("SELECT count(*) FROM outbox WHERE CAST(payload AS text) LIKE '%" + sha
                + "%'"));
    }

    /** Content that stops after {@code pauseAt} bytes until released, so a test can act mid-upload. */
    static final class PausingContent extends InputStream {
        final GeneratedContent content;
        final long pauseAt;
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        long position;

        PausingContent(long size, long seed, long pauseAt) {
            this.content = new GeneratedContent(size, seed);
            this.pauseAt = pauseAt;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (position >= pauseAt && release.getCount() > 0) {
                reached.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            int limit = position < pauseAt ? (int) Math.min(length, pauseAt - position) : length;
            int n = content.read(buffer, offset, limit);
            if (n > 0) {
                position += n;
            }
            return n;
        }
    }

    @Test
    @Order(20)
    void aPeerKilledMidUploadIsReplacedByASpareAndTheFileIsWhole() throws Exception {
        List<TestPeers.Peer> peers = TestPeers.atLeast(4);
        PausingContent content = new PausingContent(40L * MIB, 9, 16L * MIB);
        String path = dir + "/peer-killed.bin";
        var upload = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return DirectClients.of(USER).upload(path, content, Uploader.Options.none());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            assertTrue(content.reached.await(2, TimeUnit.MINUTES), "the upload reached its middle");
            peers.get(1).stop();
        } finally {
            content.release.countDown();
        }
        Uploader.Outcome outcome = upload.get(5, TimeUnit.MINUTES);
        assertEquals(40L * MIB, outcome.result().size());
        assertTrue(outcome.failedWrites() > 0, "writes to the killed peer failed and went to spares");
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        DirectClients.of(USER).download(path, copy);
        assertEquals(content.content.sha256(), DataPathTests.sha256(copy.toByteArray()));
        peers.get(1).start();
        TestPeers.awaitUpInMetadata(4);
    }
}
