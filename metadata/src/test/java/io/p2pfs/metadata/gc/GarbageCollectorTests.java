package io.p2pfs.metadata.gc;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.p2pfs.client.P2pfsClient;
import io.p2pfs.client.P2pfsException;
import io.p2pfs.client.api.Uploads;
import io.p2pfs.client.transfer.Uploader;
import io.p2pfs.metadata.DirectClients;
import io.p2pfs.metadata.MetadataTestResource;
import io.p2pfs.metadata.TestPeers;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Garbage collection with real peers: what nothing references (the chunks of a deleted file, of
 * an expired version, of an upload never committed) is gone from every peer's disk once the grace
 * period (3 s in tests) has passed, and what a live version still references stays; commits that
 * reuse chunks while the collector sweeps them never lose a byte.
 */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
class GarbageCollectorTests {

    static final int MIB = 1024 * 1024;
    static final String USER = "gale";

    static String dir;

    @BeforeEach
    void peersAndDirectory() {
        TestPeers.atLeast(4);
        if (dir == null) {
            dir = "/" + USER + "/gc-" + UUID.randomUUID().toString().substring(0, 8);
            DirectClients.of(USER).mkdirs(dir);
        }
    }

    @Test
    void aDeletedFilesChunksAreGoneFromEveryPeerOnceTheGracePeriodPassed() throws Exception {
        String path = dir + "/deleted.bin";
        byte[] content = random(3 * MIB + 11, 1);
        upload(path, content);
        List<String> chunks = chunksOf(path);
        awaitWhole(chunks);
        given().auth().oauth2(DirectClients.token(USER)).delete("/api/v1/files" + path).then().statusCode(204);
        for (String chunk : chunks) {
            assertEquals(3, TestPeers.disksHolding(chunk), "kept within the grace period");
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> gone(chunks));
        assertEquals(0, TestPeers.count("SELECT count(*) FROM replicas WHERE chunk_id IN (" + quoted(chunks) + ")"));
    }

    @Test
    void anExpiredVersionsOwnChunksGoWhileChunksALiveVersionSharesStay() throws Exception {
        String sub = dir + "/keep-one";
        DirectClients.of(USER).mkdirs(sub);
        given().auth().oauth2(DirectClients.token(USER)).contentType("application/json")
                .body(Map.of("keepVersions", 1)).put("/api/v1/policies" + sub).then().statusCode(200);
        String path = sub + "/grows.bin";
        byte[] first = random(6 * MIB, 2);
        upload(path, first);
        List<String> firstChunks = chunksOf(path);
        awaitWhole(firstChunks);
        // The second version appends: the chunks before the old end are the same ones (same writer).
        byte[] second = java.util.Arrays.copyOf(first, 8 * MIB);
        System.arraycopy(random(2 * MIB, 3), 0, second, 6 * MIB, 2 * MIB);
        upload(path, second);
        List<String> secondChunks = chunksOf(path);
        awaitWhole(secondChunks);
        Set<String> shared = new HashSet<>(firstChunks);
        shared.retainAll(secondChunks);
        List<String> ownToFirst = firstChunks.stream().filter(id -> !shared.contains(id)).toList();
        assertFalse(shared.isEmpty(), "the versions share chunks");
        assertFalse(ownToFirst.isEmpty(), "the first version has a chunk of its own (its last)");
        assertEquals(1, TestPeers.count("SELECT count(*) FROM versions v JOIN version_chunks c ON c.entry_id = v.entry_id "
                + "AND c.version = v.version WHERE c.chunk_id = '" + secondChunks.get(0) + "'"),
                "the first version was pruned");

        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> gone(ownToFirst));
        for (String chunk : secondChunks) {
            assertEquals(3, TestPeers.disksHolding(chunk), "a chunk of the live version stays: " + chunk);
        }
        assertArrayEquals(second, download(path));
    }

    @Test
    void whatAnAbortedUploadWroteIsCollected() throws Exception {
        String path = dir + "/never-committed.bin";
        byte[] content = random(12 * MIB, 4);
        // The content ends in a read error: the chunks before it are written, the session aborted.
        InputStream failing = new InputStream() {
            final ByteArrayInputStream in = new ByteArrayInputStream(content);

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, Math.min(len, 64 * 1024));
                if (n < 0) {
                    // Fail only once some of what was read is on the peers.
                    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !openChunksOnDisk().isEmpty());
                    throw new IOException("the disk under the source went away");
                }
                return n;
            }
        };
        long sessionsBefore = TestPeers.count("SELECT count(*) FROM upload_sessions WHERE state = 'ABORTED'");
        try {
            DirectClients.of(USER).upload(path, failing, Uploader.Options.none());
            throw new AssertionError("the upload should have failed");
        } catch (IOException | RuntimeException expected) {
            // the source failed
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> TestPeers.count(
                "SELECT count(*) FROM upload_sessions WHERE state = 'ABORTED'") > sessionsBefore);
        List<String> written = TestPeers.rows("SELECT u.chunk_id FROM upload_chunks u JOIN upload_sessions s "
                + "ON s.upload_id = u.upload_id WHERE s.state = 'ABORTED' AND u.chunk_id NOT IN (SELECT chunk_id FROM chunks) "
                + "AND s.ended_at > now() - interval '1 minute'");
        List<String> onDisk = written.stream().filter(chunk -> TestPeers.disksHolding(chunk) > 0).toList();
        assertFalse(onDisk.isEmpty(), "the aborted upload left chunks on peers");
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                onDisk.stream().allMatch(chunk -> TestPeers.disksHolding(chunk) == 0));
        assertEquals(0, TestPeers.count("SELECT count(*) FROM upload_chunks WHERE chunk_id IN (" + quoted(onDisk) + ")"),
                "the session's rows went too");
    }

    @Test
    void commitsThatReuseChunksWhileTheSweepCollectsThemNeverLoseData() throws Exception {
        Map<String, byte[]> committed = new ConcurrentHashMap<>();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService writers = Executors.newFixedThreadPool(6);
        try {
            for (int round = 0; round < 5; round++) {
                // Content of its own per round: nothing committed in an earlier round holds its chunks.
                byte[] content = random(2 * MIB + 5, 50 + round);
                String first = dir + "/race-" + round + "-seed.bin";
                upload(first, content);
                List<String> chunks = chunksOf(first);
                awaitWhole(chunks);
                given().auth().oauth2(DirectClients.token(USER)).delete("/api/v1/files" + first).then().statusCode(204);
                // Right when the chunks' grace period ends, several writers store the same content.
                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() ->
                        TestPeers.count("SELECT count(*) FROM chunks WHERE chunk_id IN (" + quoted(chunks)
                                + ") AND orphaned_at < now() - interval '2800 milliseconds'") == chunks.size());
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> running = new ArrayList<>();
                for (int w = 0; w < 6; w++) {
                    String path = dir + "/race-" + round + "-" + w + ".bin";
                    int delay = w * 300;
                    running.add(writers.submit(() -> {
                        start.await();
                        Thread.sleep(delay);
                        try {
                            upload(path, content);
                            committed.put(path, content);
                        } catch (RuntimeException | IOException collected) {
                            refused.incrementAndGet();
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> writer : running) {
                    writer.get();
                }
            }
        } finally {
            writers.shutdownNow();
        }
        assertFalse(committed.isEmpty(), "some writes committed");
        // Let the collector finish whatever it decided, then every committed file must be whole.
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                TestPeers.count("SELECT count(*) FROM chunks WHERE deleting_at IS NOT NULL") == 0);
        for (var file : committed.entrySet()) {
            for (String chunk : chunksOf(file.getKey())) {
                assertTrue(TestPeers.count("SELECT count(*) FROM replicas r JOIN nodes n ON n.node_id = r.node_id "
                        + "WHERE r.chunk_id = '" + chunk + "' AND r.state = 'CONFIRMED' AND n.state = 'UP'") >= 2,
                        "a committed chunk keeps its replicas: " + chunk);
                assertTrue(TestPeers.disksHolding(chunk) >= 2, "a committed chunk stays on disk: " + chunk);
            }
            assertArrayEquals(file.getValue(), download(file.getKey()), file.getKey());
        }
        System.out.printf("GC race: %d commits, %d refused while their chunks were collected%n", committed.size(),
                refused.get());
    }

    @Test
    void aCommitThatReusesAChunkTheSweepCollectedFirstIsRefusedAndCommitsNothing() throws Exception {
        byte[] content = random(200 * 1024, 6);
        String first = dir + "/reused-" + UUID.randomUUID() + ".bin";
        upload(first, content);
        String chunk = chunksOf(first).get(0);
        awaitWhole(List.of(chunk));
        given().auth().oauth2(DirectClients.token(USER)).delete("/api/v1/files" + first).then().statusCode(204);
        // Within the grace period the writer's chunk still counts as stored: the session will not send it.
        P2pfsClient client = DirectClients.of(USER);
        String second = dir + "/reuses-a-collected-chunk.bin";
        Uploads.Session session = client.controlPlane().begin(new Uploads.Begin(second, null, false), Set.of());
        Uploads.ChunkPlacement placement = client.controlPlane().place(session.uploadId(),
                new Uploads.PlacementRequest(List.of(new Uploads.ChunkToPlace(chunk, content.length + 16))))
                .chunks().get(0);
        assertTrue(placement.stored(), "still stored within the grace period");
        // Then the sweep takes the chunk's row first.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> TestPeers.count("SELECT count(*) FROM chunks "
                + "WHERE chunk_id = '" + chunk + "' AND deleting_at IS NULL") == 0);
        // One chunk: its plaintext hash is the whole content's.
        String plainHash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(content));
        try {
            client.controlPlane().commit(session.uploadId(), new Uploads.Commit(List.of(new Uploads.ManifestEntry(
                    chunk, plainHash, content.length)), List.of(), plainHash), Set.of());
            throw new AssertionError("the commit should have been refused");
        } catch (P2pfsException refused) {
            // While the copies are being deleted the refusal says so; once the chunk is gone for
            // good it is a chunk not in the writer's stored data.
            boolean collecting = refused.status() == 409 && "chunks-collected".equals(refused.problem().get("reason"));
            boolean gone = refused.status() == 422 && "not-placed".equals(refused.problem().get("reason"));
            assertTrue(collecting || gone, refused.toString());
        }
        given().auth().oauth2(DirectClients.token(USER)).get("/api/v1/stat" + second).then().statusCode(404);
        // Uploading again sends the bytes and works.
        upload(second, content);
        assertArrayEquals(content, download(second));
    }

    // ---------------------------------------------------------------------------------------

    /** Chunks of this user's open upload sessions that some peer's disk holds. */
    static List<String> openChunksOnDisk() {
        return TestPeers.rows("SELECT u.chunk_id FROM upload_chunks u JOIN upload_sessions s ON s.upload_id = u.upload_id "
                + "WHERE s.state = 'OPEN' AND s.user_id = '" + USER + "'").stream()
                .filter(chunk -> TestPeers.disksHolding(chunk) > 0).toList();
    }

    static byte[] random(int size, long seed) {
        byte[] content = new byte[size];
        new Random(seed).nextBytes(content);
        return content;
    }

    static void upload(String path, byte[] content) throws IOException {
        DirectClients.of(USER).upload(path, new ByteArrayInputStream(content), Uploader.Options.none());
    }

    static byte[] download(String path) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DirectClients.of(USER).download(path, out);
        return out.toByteArray();
    }

    static List<String> chunksOf(String path) {
        return DirectClients.chunkIds(DirectClients.of(USER), path).stream().distinct().toList();
    }

    static void awaitWhole(List<String> chunks) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> chunks.stream().allMatch(chunk -> TestPeers.count(
                "SELECT count(*) FROM replicas WHERE state = 'CONFIRMED' AND chunk_id = '" + chunk + "'") >= 3));
    }

    /** No row and no peer's disk (store or quarantine) holds any of {@code chunks}. */
    static boolean gone(List<String> chunks) {
        if (TestPeers.count("SELECT count(*) FROM chunks WHERE chunk_id IN (" + quoted(chunks) + ")") > 0) {
            return false;
        }
        return chunks.stream().allMatch(chunk -> TestPeers.disksHolding(chunk) == 0);
    }

    static String quoted(List<String> ids) {
        return String.join(",", ids.stream().map(id -> "'" + id + "'").toList());
    }
}
