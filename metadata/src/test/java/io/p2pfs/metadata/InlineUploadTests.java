package io.p2pfs.metadata;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.p2pfs.client.P2pfsClient;
import io.p2pfs.client.P2pfsException;
import io.p2pfs.client.api.Uploads;
import io.p2pfs.client.transfer.TransferSettings;
import io.p2pfs.client.transfer.Uploader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Small files kept inline (up to 4 KiB by default): one call, one transaction, no chunk and no
 * peer; everything a chunked upload guarantees still holds (conditions, conflicts under the row
 * lock, locks, ACLs, versions, quotas, ranges, the direct client's download).
 */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
class InlineUploadTests {

    static final String USER = "ines";
    static final String TOKEN = DirectClients.token(USER);

    String dir;

    @BeforeEach
    void home() {
        TestPeers.atLeast(3);
        TestUsers.register(USER);
        dir = "/" + USER + "/inline-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(TOKEN).post("/api/v1/dirs" + dir).then().statusCode(201);
    }

    static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    static Response put(String token, String path, byte[] content, Map<String, String> headers) {
        return given().auth().oauth2(token).headers(headers).contentType("application/octet-stream").body(content)
                .put("/api/v1/files" + path);
    }

    /** Rows a chunked upload would have written for the file's entry: sessions, chunk references. */
    static long chunkRowsOf(String etag) {
        long entry = Long.parseLong(etag.replace("\"", "").split("\\.")[0]);
        return TestPeers.count("SELECT count(*) FROM version_chunks WHERE entry_id = " + entry)
                + TestPeers.count("SELECT count(*) FROM upload_sessions WHERE entry_id = " + entry);
    }

    @Test
    void aSmallFileIsOneTransactionWithNoChunkAndReadsBackWholeAndInRanges() {
        byte[] content = random(4096, 1);
        long sessionsBefore = TestPeers.count("SELECT count(*) FROM upload_sessions");
        long chunksBefore = TestPeers.count("SELECT count(*) FROM chunks");
        String path = dir + "/note.txt";
        String etag = put(TOKEN, path, content, Map.of()).then().statusCode(201).body("chunks", equalTo(0))
                .body("size", equalTo(4096)).body("version", equalTo(1)).extract().header("ETag");

        assertEquals(0, chunkRowsOf(etag), "no session, no chunk reference");
        assertEquals(sessionsBefore, TestPeers.count("SELECT count(*) FROM upload_sessions"));
        assertEquals(chunksBefore, TestPeers.count("SELECT count(*) FROM chunks"), "no chunk was placed");
        byte[] back = given().auth().oauth2(TOKEN).get("/api/v1/files" + path).then().statusCode(200)
                .header("ETag", etag).extract().asByteArray();
        assertArrayEquals(content, back);
        byte[] range = given().auth().oauth2(TOKEN).header("Range", "bytes=100-199").get("/api/v1/files" + path)
                .then().statusCode(206).header("Content-Range", "bytes 100-199/4096").extract().asByteArray();
        assertArrayEquals(java.util.Arrays.copyOfRange(content, 100, 200), range);
        byte[] tail = given().auth().oauth2(TOKEN).header("Range", "bytes=-10").get("/api/v1/files" + path).then()
                .statusCode(206).extract().asByteArray();
        assertArrayEquals(java.util.Arrays.copyOfRange(content, 4086, 4096), tail);
        given().auth().oauth2(TOKEN).header("Range", "bytes=5000-").get("/api/v1/files" + path).then().statusCode(416);
        given().auth().oauth2(TOKEN).get("/api/v1/stat" + path + "?replicas=true").then().statusCode(200)
                .body("chunkCount", equalTo(0)).body("replicas.chunks", equalTo(0)).body("size", equalTo(4096));
        // The stored row holds the content sealed, not in the clear.
        long entry = Long.parseLong(etag.replace("\"", "").split("\\.")[0]);
        String sealed = TestPeers.rows("SELECT encode(manifest_sealed, 'hex') FROM versions WHERE entry_id = " + entry)
                .get(0);
        assertTrue(!sealed.contains(java.util.HexFormat.of().formatHex(content, 0, 32)), "content is sealed at rest");
    }

    @Test
    void oneByteMoreThanTheLimitRunsTheChunkPipeline() {
        String etag = put(TOKEN, dir + "/big.bin", random(4097, 2), Map.of()).then().statusCode(201)
                .body("chunks", equalTo(1)).extract().header("ETag");
        assertEquals(1, chunkRowsOf(etag), "a chunk reference");
    }

    @Test
    void theDirectClientSendsASmallFileInOneCallAndReadsItBack() throws Exception {
        try (P2pfsClient client = P2pfsClient.builder().metadata(MetadataTestResource.url)
                .tracker(io.p2pfs.testing.TestTracker.shared().url()).token(() -> TOKEN)
                .settings(TransferSettings.defaults()).build()) {
            byte[] content = random(3000, 3);
            Uploader.Outcome outcome = client.upload(dir + "/direct.txt", new ByteArrayInputStream(content),
                    new Uploader.Options(null, true, Set.of()));
            assertEquals(0, outcome.result().chunks());
            assertEquals(0, chunkRowsOf(outcome.result().etag()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(3000, client.download(dir + "/direct.txt", out));
            assertArrayEquals(content, out.toByteArray());

            // Create-only against the file now there: refused as a chunked upload would be, nothing changes.
            P2pfsException refused = org.junit.jupiter.api.Assertions.assertThrows(P2pfsException.class,
                    () -> client.upload(dir + "/direct.txt", new ByteArrayInputStream(random(10, 4)),
                            new Uploader.Options(null, true, Set.of())));
            assertEquals(412, refused.status());
            // Above the client's one-call size, the client runs the pipeline itself.
            byte[] larger = random(TransferSettings.SMALL_FILE_BYTES + 1, 5);
            Uploader.Outcome chunked = client.upload(dir + "/larger.bin", new ByteArrayInputStream(larger),
                    Uploader.Options.none());
            assertTrue(chunked.chunksWritten() >= 1, "chunks went to the peers from the client");
        }
        given().auth().oauth2(TOKEN).get("/api/v1/files" + dir + "/direct.txt").then().statusCode(200)
                .header("X-P2pfs-Version", "1");
    }

    @Test
    void versionsConditionsAndRestoreHoldForInlineFiles() {
        String path = dir + "/v.txt";
        String first = put(TOKEN, path, "one".getBytes(), Map.of()).then().statusCode(201).extract().header("ETag");
        String second = put(TOKEN, path, "two!".getBytes(), Map.of("If-Match", first)).then().statusCode(200)
                .body("version", equalTo(2)).extract().header("ETag");
        // A stale If-Match under the default FAIL strategy: 412 with the current ETag, nothing stored.
        put(TOKEN, path, "three".getBytes(), Map.of("If-Match", first)).then().statusCode(412).header("ETag", second);
        put(TOKEN, path, "four".getBytes(), Map.of("If-None-Match", "*")).then().statusCode(412);
        assertEquals("two!", given().auth().oauth2(TOKEN).get("/api/v1/files" + path).asString());
        assertEquals("one", given().auth().oauth2(TOKEN).queryParam("version", 1).get("/api/v1/files" + path)
                .asString());
        given().auth().oauth2(TOKEN).post("/api/v1/versions" + path + "/1/restore").then().statusCode(201);
        assertEquals("one", given().auth().oauth2(TOKEN).get("/api/v1/files" + path).asString());
        given().auth().oauth2(TOKEN).get("/api/v1/stat" + path).then().body("version", equalTo(3));
    }

    @Test
    void concurrentCreateOnlyWritersOfOneNameGetOneWinnerAndNoServerError() throws Exception {
        String path = dir + "/race.txt";
        int writers = 8;
        CyclicBarrier start = new CyclicBarrier(writers);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                byte[] content = ("writer " + i).getBytes();
                statuses.add(pool.submit(() -> {
                    start.await();
                    return put(TOKEN, path, content, Map.of("If-None-Match", "*")).statusCode();
                }));
            }
            int created = 0;
            for (Future<Integer> status : statuses) {
                int code = status.get();
                assertTrue(code == 201 || code == 412, "201 or 412, got " + code);
                created += code == 201 ? 1 : 0;
            }
            assertEquals(1, created, "exactly one writer created the file");
        } finally {
            pool.shutdownNow();
        }
        given().auth().oauth2(TOKEN).get("/api/v1/stat" + path).then().statusCode(200).body("version", equalTo(1));
    }

    @Test
    void concurrentOverwritesUnderLastWriterWinsMakeGapFreeVersions() throws Exception {
        String path = dir + "/lww.txt";
        put(TOKEN, path, "base".getBytes(), Map.of()).then().statusCode(201);
        given().auth().oauth2(TOKEN).contentType("application/json")
                .body(Map.of("conflictStrategy", "LAST_WRITER_WINS")).put("/api/v1/policies" + dir).then()
                .statusCode(200);
        int writers = 6;
        CyclicBarrier start = new CyclicBarrier(writers);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                byte[] content = ("overwrite " + i).getBytes();
                statuses.add(pool.submit(() -> {
                    start.await();
                    return put(TOKEN, path, content, Map.of()).statusCode();
                }));
            }
            for (Future<Integer> status : statuses) {
                assertEquals(200, status.get());
            }
        } finally {
            pool.shutdownNow();
        }
        List<Integer> versions = given().auth().oauth2(TOKEN).get("/api/v1/versions" + path).then().statusCode(200)
                .extract().path("version");
        assertEquals(List.of(7, 6, 5, 4, 3, 2, 1), versions.stream().sorted(java.util.Comparator.reverseOrder())
                .toList(), "every overwrite is a version, none lost, no gap");
    }

    @Test
    void locksAclsAndQuotasApplyToInlineWrites() {
        String path = dir + "/guarded.txt";
        put(TOKEN, path, "mine".getBytes(), Map.of()).then().statusCode(201);
        long usage = ((Number) given().auth().oauth2(TOKEN).get("/api/v1/usage").then().statusCode(200).extract()
                .path("logicalBytes")).longValue();
        put(TOKEN, dir + "/more.txt", new byte[1000], Map.of()).then().statusCode(201);
        given().auth().oauth2(TOKEN).get("/api/v1/usage").then().body("logicalBytes",
                equalTo((int) usage + 1000));

        // Another user without WRITE (nor READ: 404, as for a missing name; audited as any upload denial),
        // the file unchanged.
        String other = TestUsers.token("ivo");
        put(other, path, "theirs".getBytes(), Map.of()).then().statusCode(404);
        given().auth().oauth2(TOKEN).contentType("application/json").body("{\"inherit\":true,\"entries\":["
                + "{\"principal\":\"user:ivo\",\"permissions\":[\"READ\",\"WRITE\"]}]}")
                .put("/api/v1/acl" + dir).then().statusCode(200);
        // Under the owner's exclusive lock, a write without its token is 423, with it 200.
        String lockToken = given().auth().oauth2(TOKEN).contentType("application/json")
                .body(Map.of("mode", "EXCLUSIVE", "ttlSeconds", 60)).post("/api/v1/locks" + path).then()
                .statusCode(201).extract().path("lockToken");
        put(other, path, "theirs".getBytes(), Map.of()).then().statusCode(423);
        put(TOKEN, path, "locked write".getBytes(), Map.of("Lock-Token", lockToken)).then().statusCode(200);
        assertEquals("locked write", given().auth().oauth2(TOKEN).get("/api/v1/files" + path).asString());
    }

    @Test
    void theResultIsTheSameShapeAsAChunkedUploads() {
        Uploads.Result result = put(TOKEN, dir + "/shape.txt", "x".getBytes(), Map.of()).then().statusCode(201)
                .extract().as(Uploads.Result.class);
        assertEquals(dir + "/shape.txt", result.path());
        assertTrue(result.created());
        assertEquals(1, result.size());
        assertEquals("2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881", result.sha256());
    }
}
