package io.p2pfs.metadata.repair;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.client.P2pfsClient;
import io.p2pfs.client.transfer.Uploader;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.metadata.DirectClients;
import io.p2pfs.metadata.MetadataTestResource;
import io.p2pfs.metadata.TestPeers;
import io.p2pfs.testing.KafkaRecords;
import io.p2pfs.testing.TestTokens;
import io.p2pfs.testing.TestTracker;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The store heals itself, with real peer processes: a peer killed with {@code kill -9} has its
 * chunks copied back to R on live nodes in distinct zones once its grace period has passed, within
 * the repair's limits, and its copies go as surplus when it returns; a peer back within its grace
 * period moves nothing; a flipped byte on a peer's disk is never served, is replaced and the bad
 * copy deleted; a drained peer hands every chunk over while reads go on, then is removed.
 * The test profile's repair settings: grace 10 s, rounds every 500 ms, 4 copies in flight per node,
 * 4 MiB/s.
 */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RepairTests {

    static final int MIB = 1024 * 1024;
    static final String USER = "rhea";
    static final long RATE = 4L * MIB;
    static final int COPIES_PER_NODE = 4;
    static final long MAX_CIPHER_CHUNK = 4L * MIB + 16;

    static String dir;

    @BeforeEach
    void peersAndDirectory() {
        TestPeers.atLeast(5);
        if (dir == null) {
            dir = "/" + USER + "/repair-" + UUID.randomUUID().toString().substring(0, 8);
            DirectClients.of(USER).mkdirs(dir);
        }
    }

    @AfterAll
    static void leaveFourPeersUp() {
        TestPeers.stopExtras();
    }

    @Test
    @Order(1)
    void aPeerBackWithinItsGracePeriodMovesNothing() throws Exception {
        Map<String, byte[]> files = upload("within-grace", 2, 3 * MIB, 11);
        List<String> chunks = chunksOf(files.keySet());
        awaitWhole(chunks);
        // The fifth peer: only this class's files are on it, whatever ran before.
        TestPeers.Peer victim = TestPeers.atLeast(5).get(4);
        String node = victim.nodeId();
        assertTrue(TestPeers.count("SELECT count(*) FROM replicas WHERE node_id = '" + node + "' AND chunk_id IN ("
                + quoted(chunks) + ")") > 0, "the peer holds some of the chunks");
        Set<String> before = replicaRows(chunks);
        Instant killed = Instant.now();

        victim.kill();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "DOWN".equals(nodeState(node)));
        victim.start();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(nodeState(node)));

        // Well past the moment the worker would have acted had the node stayed away too long.
        Awaitility.await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertEquals(0, TestPeers.count("SELECT count(*) FROM nodes WHERE lost_at IS NOT NULL AND node_id = '"
                + node + "'"), "the node was never given up for lost");
        assertEquals(before, replicaRows(chunks), "no replica was added, moved or removed");
        assertTrue(placementsFor(chunks, killed).isEmpty(), "no copy was requested");
        for (var file : files.entrySet()) {
            assertArrayEquals(file.getValue(), download(file.getKey()));
        }
    }

    @Test
    @Order(2)
    void aKilledPeersChunksReturnToRInDistinctZonesWithinTheLimitsAndItsCopiesGoWhenItReturns() throws Exception {
        Map<String, byte[]> files = upload("killed", 3, 4 * MIB, 21);
        List<String> chunks = chunksOf(files.keySet());
        awaitWhole(chunks);
        // The fifth peer (zone z2, like the second): only this class's files are on it, whatever
        // ran before, and three zones stay to spread the chunks over.
        TestPeers.Peer victim = TestPeers.atLeast(5).get(4);
        String node = victim.nodeId();
        List<String> onVictim = TestPeers.rows("SELECT chunk_id FROM replicas WHERE node_id = '" + node
                + "' AND state = 'CONFIRMED' AND chunk_id IN (" + quoted(chunks) + ")");
        assertFalse(onVictim.isEmpty(), "the victim holds some of the chunks");
        Instant killed = Instant.now();

        List<String> violations = new CopyOnWriteArrayList<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = Thread.ofPlatform().daemon().start(() -> {
            while (watching.get()) {
                long unavailable = TestPeers.count("SELECT count(*) FROM (SELECT c.chunk_id FROM chunks c "
                        + "LEFT JOIN replicas r ON r.chunk_id = c.chunk_id AND r.state = 'CONFIRMED' "
                        + "WHERE c.chunk_id IN (" + quoted(chunks) + ") GROUP BY c.chunk_id "
                        + "HAVING count(r.node_id) = 0) t");
                if (unavailable > 0) {
                    violations.add(unavailable + " chunk(s) without any confirmed replica");
                }
                long inFlight = TestPeers.count("SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n "
                        + "FROM replicas WHERE state = 'PENDING' GROUP BY node_id) t");
                if (inFlight > COPIES_PER_NODE) {
                    violations.add(inFlight + " copies in flight to one node");
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        victim.kill();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                    .until(() -> liveOnOthers(chunks, node) == chunks.size());
        } finally {
            watching.set(false);
            watcher.join();
        }
        assertTrue(violations.isEmpty(), "during repair: " + violations);
        for (String chunk : chunks) {
            List<String> zones = TestPeers.rows("SELECT n.zone FROM replicas r JOIN nodes n ON n.node_id = r.node_id "
                    + "WHERE r.chunk_id = '" + chunk + "' AND r.state = 'CONFIRMED' AND n.state = 'UP'");
            assertEquals(3, zones.size(), "chunk " + chunk + " is back at R=3 on live nodes");
            assertEquals(3, new HashSet<>(zones).size(), "chunk " + chunk + " spans three zones: " + zones);
        }
        for (var file : files.entrySet()) {
            assertArrayEquals(file.getValue(), download(file.getKey()), "readable while the peer is gone");
        }

        // Repair traffic stayed within its rate: what it asked for over its span, plus one
        // second's bucket and one chunk it may let through when the bucket is full.
        List<JsonNode> repairs = placementsFor(onVictim, killed);
        assertTrue(repairs.size() >= onVictim.size(), "a copy was requested for every chunk the victim held");
        long bytes = repairs.stream().mapToLong(event -> event.path("data").path("size").asLong()).sum();
        double span = seconds(repairs.get(repairs.size() - 1)) - seconds(repairs.get(0));
        assertTrue(bytes <= RATE * span + RATE + MAX_CIPHER_CHUNK,
                bytes + " bytes requested in " + span + " s exceed the limit of " + RATE + " bytes/s");
        assertTrue(TestPeers.count("SELECT count(*) FROM nodes WHERE lost_at IS NOT NULL AND node_id = '" + node
                + "'") == 1, "the node was given up for lost");

        // Back after its chunks were repaired: its copies are now surplus and go, zones kept spread.
        victim.start();
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            for (String chunk : chunks) {
                if (TestPeers.disksHolding(chunk) != 3 || liveReplicas(chunk) != 3) {
                    return false;
                }
            }
            return true;
        });
        for (String chunk : chunks) {
            List<String> zones = TestPeers.rows("SELECT n.zone FROM replicas r JOIN nodes n ON n.node_id = r.node_id "
                    + "WHERE r.chunk_id = '" + chunk + "' AND r.state = 'CONFIRMED' AND n.state = 'UP'");
            assertEquals(3, new HashSet<>(zones).size(), "chunk " + chunk + " still spans three zones: " + zones);
        }
        for (var file : files.entrySet()) {
            assertArrayEquals(file.getValue(), download(file.getKey()));
        }
    }

    @Test
    @Order(3)
    void aFlippedByteIsNeverServedTheChunkIsReplacedAndTheBadCopyDeleted() throws Exception {
        Map<String, byte[]> files = upload("flipped", 1, 2 * MIB + 7, 31);
        String path = files.keySet().iterator().next();
        List<String> chunks = chunksOf(files.keySet());
        awaitWhole(chunks);
        String chunk = chunks.get(0);
        TestPeers.Peer holder = TestPeers.holding(chunk, 5).get(0);
        String node = holder.nodeId();
        Path file = holder.chunkFiles().stream().filter(f -> f.getFileName().toString().equals(chunk)).findFirst()
                .orElseThrow();
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);

        // Every read is right while the bad copy is found, replaced and deleted.
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() -> {
            assertArrayEquals(files.get(path), download(path));
            return TestPeers.count("SELECT count(*) FROM replicas WHERE chunk_id = '" + chunk + "' AND node_id = '"
                    + node + "'") == 0 && liveOnOthers(List.of(chunk), node) == 1
                    && holder.chunkFiles().stream().noneMatch(f -> f.getFileName().toString().startsWith(chunk));
        });
        assertEquals(3, liveReplicas(chunk), "back at R=3 without the bad copy");
        assertEquals(3, TestPeers.disksHolding(chunk), "three disks hold the chunk, none of them the bad one");
        assertArrayEquals(files.get(path), download(path));
    }

    @Test
    @Order(4)
    void aDrainedPeerHandsEveryChunkOverWhileReadsGoOnAndIsThenRemoved() throws Exception {
        TestPeers.Peer drained = TestPeers.atLeast(6).get(5);
        String node = drained.nodeId();
        Map<String, byte[]> files = new LinkedHashMap<>();
        List<String> chunks = new ArrayList<>();
        List<String> onDrained = List.of();
        for (int round = 0; round < 6 && onDrained.size() < 3; round++) {
            files.putAll(upload("drain-" + round, 2, 3 * MIB, 41 + round));
            chunks = chunksOf(files.keySet());
            awaitWhole(chunks);
            onDrained = TestPeers.rows("SELECT chunk_id FROM replicas WHERE node_id = '" + node
                    + "' AND state = 'CONFIRMED' AND chunk_id IN (" + quoted(chunks) + ")");
        }
        assertTrue(onDrained.size() >= 3, "the peer to drain holds chunks: " + onDrained.size());
        List<String> drainedChunks = onDrained;

        List<String> badReads = new CopyOnWriteArrayList<>();
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            while (reading.get()) {
                for (var file : files.entrySet()) {
                    try {
                        if (!java.util.Arrays.equals(file.getValue(), download(file.getKey()))) {
                            badReads.add(file.getKey() + ": wrong bytes");
                        }
                    } catch (Exception e) {
                        badReads.add(file.getKey() + ": " + e);
                    }
                }
            }
        });
        try {
            given().baseUri(TestTracker.shared().url()).auth().oauth2(admin()).delete("/api/v1/nodes/" + node)
                    .then().statusCode(200);
            // The drain's progress shows while it runs.
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
                JsonNode snapshot = KafkaRecords.parse(given().auth().oauth2(admin()).get("/api/v1/admin/replication")
                        .then().statusCode(200).extract().asString());
                for (JsonNode drain : snapshot.path("drains")) {
                    if (drain.path("nodeId").asText().equals(node) && drain.path("chunksHeld").asLong() >= 3) {
                        return true;
                    }
                }
                return false;
            });
            Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() ->
                    !KafkaRecords.events(Topics.NODES, event -> EventTypes.NODE_REMOVED.equals(event.path("type")
                            .asText()) && event.path("data").path("details").path("nodeId").asText().equals(node))
                            .isEmpty());
        } finally {
            reading.set(false);
            reader.join();
        }
        assertTrue(badReads.isEmpty(), "every read during the drain was right: " + badReads);
        assertEquals("REMOVED", nodeState(node));
        // The peer still runs and reports what it holds (every 2 s): none of it counts any more.
        Awaitility.await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(15)).until(() ->
                TestPeers.count("SELECT count(*) FROM replicas WHERE node_id = '" + node + "'") == 0);
        for (String chunk : drainedChunks) {
            assertEquals(3, liveReplicas(chunk), "chunk " + chunk + " is at R on the other nodes");
        }
        for (var file : files.entrySet()) {
            assertArrayEquals(file.getValue(), download(file.getKey()));
        }
        drained.stop();
    }

    @Test
    @Order(5)
    void replicationHealthIsForAdminsAndCountsChunksByLiveReplicas() {
        given().auth().oauth2(DirectClients.token(USER)).get("/api/v1/admin/replication").then().statusCode(403)
                .contentType("application/problem+json");
        given().get("/api/v1/admin/replication").then().statusCode(401);
        JsonNode snapshot = KafkaRecords.parse(given().auth().oauth2(admin()).get("/api/v1/admin/replication")
                .then().statusCode(200).extract().asString());
        long total = 0;
        for (var bucket : snapshot.path("chunksByLiveReplicas").properties()) {
            total += bucket.getValue().asLong();
        }
        assertEquals(TestPeers.count("SELECT count(*) FROM chunks WHERE deleting_at IS NULL"),
                snapshot.path("chunks").asLong());
        assertEquals(snapshot.path("chunks").asLong(), total, "every chunk is in one bucket");
        assertTrue(snapshot.path("nodesByState").path("UP").asLong() >= 4);
        assertTrue(snapshot.path("queue").has("bytesToMove"));
        // Metrics are for operators: a monitoring account (role metrics), admins, auditors.
        given().get("/q/metrics").then().statusCode(401);
        given().auth().oauth2(DirectClients.token(USER)).get("/q/metrics").then().statusCode(403);
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String metrics = given().auth().oauth2(io.p2pfs.testing.TestTokens.user("prometheus").roles("metrics").sign()).get("/q/metrics").then().statusCode(200).extract()
                    .asString();
            assertTrue(metrics.contains("p2pfs_replication_chunks{live_replicas=\"3\""), "gauges published");
            assertTrue(metrics.contains("p2pfs_repair_queue_chunks"));
            assertTrue(metrics.contains("p2pfs_repair_copies_requested_total"));
        });
    }

    @Test
    @Order(6)
    void aQuarantinedNodeCountsForNothingGetsNoChunkAndItsCopiesGoWhenItIsReleased() throws Exception {
        TestPeers.Peer suspect = TestPeers.atLeast(5).get(4);
        String node = suspect.nodeId();
        Map<String, byte[]> files = new LinkedHashMap<>();
        List<String> held = List.of();
        for (int round = 0; round < 6 && held.size() < 2; round++) {
            files.putAll(upload("quarantine-" + round, 2, 3 * MIB, 61 + round));
            List<String> chunks = chunksOf(files.keySet());
            awaitWhole(chunks);
            held = TestPeers.rows("SELECT chunk_id FROM replicas WHERE node_id = '" + node
                    + "' AND state = 'CONFIRMED' AND chunk_id IN (" + quoted(chunks) + ")");
        }
        assertTrue(held.size() >= 2, "the node to quarantine holds chunks: " + held.size());
        List<String> suspectChunks = held;

        given().baseUri(TestTracker.shared().url()).auth().oauth2(admin()).contentType("application/json")
                .body(Map.of("reason", "confirms copies it does not keep")).put("/api/v1/nodes/" + node + "/quarantine")
                .then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "QUARANTINED".equals(nodeState(node)));
        // Its copies count for nothing: each of its chunks is copied back to R on the other nodes.
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> liveOnOthers(suspectChunks, node) == suspectChunks.size());
        for (var file : files.entrySet()) {
            assertArrayEquals(file.getValue(), download(file.getKey()));
        }
        // It gets nothing new, and heartbeats (every second) do not bring it back.
        Map<String, byte[]> later = upload("after-quarantine", 2, 3 * MIB, 71);
        List<String> laterChunks = chunksOf(later.keySet());
        awaitWhole(laterChunks);
        assertEquals(0, TestPeers.count("SELECT count(*) FROM replicas WHERE node_id = '" + node
                + "' AND chunk_id IN (" + quoted(laterChunks) + ")"), "a quarantined node was given chunks");
        assertEquals("QUARANTINED", nodeState(node));

        given().baseUri(TestTracker.shared().url()).auth().oauth2(admin())
                .delete("/api/v1/nodes/" + node + "/quarantine").then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(nodeState(node)));
        // Released, it is back and counts again: each of its chunks now has a copy too many, which goes.
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() ->
                suspectChunks.stream().allMatch(chunk -> liveReplicas(chunk) == 3));
        for (var file : files.entrySet()) {
            assertArrayEquals(file.getValue(), download(file.getKey()));
        }
    }

    // ---------------------------------------------------------------------------------------

    static String admin() {
        return TestTokens.user("ada-admin").roles("user", "admin")
                .claim("exp", Instant.now().plusSeconds(3600).getEpochSecond()).sign();
    }

    static Map<String, byte[]> upload(String name, int count, int size, long seed) throws IOException {
        P2pfsClient client = DirectClients.of(USER);
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            byte[] content = new byte[size];
            new Random(seed * 100 + i).nextBytes(content);
            String path = dir + "/" + name + "-" + i + ".bin";
            client.upload(path, new ByteArrayInputStream(content), Uploader.Options.none());
            files.put(path, content);
        }
        return files;
    }

    static byte[] download(String path) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DirectClients.of(USER).download(path, out);
        return out.toByteArray();
    }

    static List<String> chunksOf(Iterable<String> paths) {
        List<String> chunks = new ArrayList<>();
        for (String path : paths) {
            chunks.addAll(DirectClients.chunkIds(DirectClients.of(USER), path));
        }
        return chunks.stream().distinct().toList();
    }

    /** Every chunk has its three replicas confirmed (the third is copied after the commit). */
    static void awaitWhole(List<String> chunks) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (String chunk : chunks) {
                if (liveReplicas(chunk) < 3) {
                    return false;
                }
            }
            return true;
        });
    }

    static long liveReplicas(String chunk) {
        return TestPeers.count("SELECT count(*) FROM replicas r JOIN nodes n ON n.node_id = r.node_id "
                + "WHERE r.chunk_id = '" + chunk + "' AND r.state = 'CONFIRMED' AND n.state = 'UP'");
    }

    /** How many of {@code chunks} have three confirmed replicas on UP nodes other than {@code node}. */
    static long liveOnOthers(List<String> chunks, String node) {
        return TestPeers.count("SELECT count(*) FROM (SELECT r.chunk_id FROM replicas r JOIN nodes n "
                + "ON n.node_id = r.node_id WHERE r.chunk_id IN (" + quoted(chunks) + ") AND r.state = 'CONFIRMED' "
                + "AND n.state = 'UP' AND r.node_id <> '" + node + "' GROUP BY r.chunk_id HAVING count(*) >= 3) t");
    }

    static Set<String> replicaRows(List<String> chunks) {
        return new HashSet<>(TestPeers.rows("SELECT chunk_id || '@' || node_id || ':' || state FROM replicas "
                + "WHERE chunk_id IN (" + quoted(chunks) + ")"));
    }

    static String nodeState(String node) {
        List<String> states = TestPeers.rows("SELECT state FROM nodes WHERE node_id = '" + node + "'");
        return states.isEmpty() ? null : states.get(0);
    }

    /** The placement requests for {@code chunks} published since {@code since}, oldest first. */
    static List<JsonNode> placementsFor(List<String> chunks, Instant since) {
        Set<String> wanted = new HashSet<>(chunks);
        List<JsonNode> events = new ArrayList<>(KafkaRecords.events(Topics.CHUNK_PLACEMENTS,
                event -> EventTypes.CHUNK_PLACEMENT_REQUESTED.equals(event.path("type").asText())
                        && wanted.contains(event.path("data").path("chunkId").asText())
                        && seconds(event) >= since.toEpochMilli() / 1000.0));
        events.sort((a, b) -> Double.compare(seconds(a), seconds(b)));
        return events;
    }

    static double seconds(JsonNode event) {
        JsonNode time = event.path("time");
        if (time.isNumber()) {
            return time.asDouble();
        }
        Instant at = Instant.parse(time.asText());
        return at.getEpochSecond() + at.getNano() / 1e9;
    }

    static String quoted(List<String> ids) {
        return String.join(",", ids.stream().map(id -> "'" + id + "'").toList());
    }
}
