package io.p2pfs.metadata.files;

import static io.p2pfs.metadata.TestCalls.acl;
import static io.p2pfs.metadata.TestCalls.download;
import static io.p2pfs.metadata.TestCalls.fileEvents;
import static io.p2pfs.metadata.TestCalls.lock;
import static io.p2pfs.metadata.TestCalls.move;
import static io.p2pfs.metadata.TestCalls.putAcl;
import static io.p2pfs.metadata.TestCalls.random;
import static io.p2pfs.metadata.TestCalls.stat;
import static io.p2pfs.metadata.TestCalls.upload;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.metadata.MetadataTestResource;
import io.p2pfs.metadata.TestCalls;
import io.p2pfs.metadata.TestPeers;
import io.p2pfs.metadata.TestUsers;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /moves} on the real database, peers and broker: contents, versions and ACLs go
 * along, permissions and locks are checked on both ends, refusals change nothing and are events.
 */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
class MoveTests {

    final String tag = TestCalls.tag();
    final String ann = "ann-mv-" + tag;
    final String bob = "bob-mv-" + tag;
    String annToken;
    String bobToken;
    String dir;

    @BeforeEach
    void homeDirectory() {
        TestPeers.atLeast(3);
        annToken = TestUsers.token(ann);
        bobToken = TestUsers.token(bob);
        dir = "/" + ann + "/mv-" + tag;
        TestCalls.home(annToken, dir);
    }

    @Test
    void aMovedFileKeepsItsContentAndVersionsAndItsOldPathIsGone() {
        byte[] first = random(200_000, 1);
        byte[] second = random(900_000, 2);
        upload(annToken, dir + "/a.bin", first).then().statusCode(201);
        upload(annToken, dir + "/a.bin", second).then().statusCode(200);
        TestCalls.mkdirs(annToken, dir + "/elsewhere");

        move(annToken, dir + "/a.bin", dir + "/elsewhere/b.bin").then().statusCode(200)
                .body("from", equalTo(dir + "/a.bin")).body("to", equalTo(dir + "/elsewhere/b.bin"))
                .body("type", equalTo("FILE"));

        assertArrayEquals(second, download(annToken, dir + "/elsewhere/b.bin"));
        assertArrayEquals(first, download(annToken, dir + "/elsewhere/b.bin?version=1"));
        given().auth().oauth2(annToken).get("/api/v1/versions" + dir + "/elsewhere/b.bin").then().statusCode(200)
                .body("version", equalTo(List.of(2, 1)));
        assertEquals(404, stat(annToken, dir + "/a.bin"));
        given().auth().oauth2(annToken).get("/api/v1/files" + dir + "/a.bin").then().statusCode(404)
                .contentType(containsString("application/problem+json"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<JsonNode> moved = fileEvents("file.moved", dir + "/a.bin");
            assertEquals(1, moved.size());
            JsonNode data = moved.get(0).path("data");
            assertEquals(ann, data.path("actor").asText());
            assertEquals("file.moved", data.path("action").asText());
            assertEquals(dir + "/a.bin", data.path("resource").asText());
            assertEquals("SUCCESS", data.path("outcome").asText());
            assertEquals(dir + "/a.bin", data.path("details").path("from").asText());
            assertEquals(dir + "/elsewhere/b.bin", data.path("details").path("to").asText());
        });
    }

    @Test
    void aMovedDirectoryTakesEverythingBelowItWithVersionsAndAcls() {
        byte[] top = random(150_000, 3);
        byte[] deepV1 = random(50_000, 4);
        byte[] deepV2 = random(1_300_000, 5);
        TestCalls.mkdirs(annToken, dir + "/src/sub");
        upload(annToken, dir + "/src/top.bin", top).then().statusCode(201);
        upload(annToken, dir + "/src/sub/deep.bin", deepV1).then().statusCode(201);
        upload(annToken, dir + "/src/sub/deep.bin", deepV2).then().statusCode(200);
        putAcl(annToken, dir + "/src/sub", acl(true, "user:" + bob, "READ", "DOWNLOAD"));

        move(annToken, dir + "/src", dir + "/dst").then().statusCode(200).body("type", equalTo("DIR"));

        assertArrayEquals(top, download(annToken, dir + "/dst/top.bin"));
        assertArrayEquals(deepV2, download(annToken, dir + "/dst/sub/deep.bin"));
        assertArrayEquals(deepV1, download(annToken, dir + "/dst/sub/deep.bin?version=1"));
        // The grant on the subdirectory went along with it.
        assertArrayEquals(deepV2, download(bobToken, dir + "/dst/sub/deep.bin"));
        given().auth().oauth2(annToken).get("/api/v1/acl" + dir + "/dst/sub").then().statusCode(200)
                .body("entries[0].principal", equalTo("user:" + bob));
        assertEquals(404, stat(annToken, dir + "/src"));
        assertEquals(404, stat(annToken, dir + "/src/sub/deep.bin"));
        given().auth().oauth2(annToken).get("/api/v1/list" + dir).then().statusCode(200)
                .body("entries.name", hasItem("dst")).body("entries.name", not(hasItem("src")));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<JsonNode> moved = fileEvents("dir.moved", dir + "/src");
            assertEquals(1, moved.size());
            assertEquals(dir + "/dst", moved.get(0).path("data").path("details").path("to").asText());
        });
    }

    @Test
    void aMoveWithoutDeleteOnTheSourceIsRefusedChangesNothingAndIsAudited() {
        upload(annToken, dir + "/keep.txt", "ann's".getBytes()).then().statusCode(201);
        // bob may read and write in ann's directory, but not delete there.
        putAcl(annToken, dir, acl(true, "user:" + bob, "READ", "WRITE"));

        move(bobToken, dir + "/keep.txt", dir + "/taken.txt").then().statusCode(403)
                .contentType(containsString("application/problem+json")).body("detail", containsString("DELETE"));

        assertEquals(200, stat(annToken, dir + "/keep.txt"));
        assertEquals(404, stat(annToken, dir + "/taken.txt"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertTrue(
                TestCalls.accessDenied(bob).stream().anyMatch(ev -> ev.path("data").path("resource").asText()
                        .equals(dir + "/keep.txt") && ev.path("data").path("details").path("url").asText()
                        .equals("/api/v1/moves") && ev.path("data").path("details").path("permission").asText()
                        .equals("DELETE") && ev.path("data").path("outcome").asText().equals("DENIED")
                        && ev.path("data").path("reason").asText().contains(dir + "/keep.txt")),
                TestCalls.accessDenied(bob).toString()));
        assertEquals(0, fileEvents("file.moved", dir + "/keep.txt").size());
    }

    @Test
    void aMoveWithoutWriteOnTheTargetDirectoryIsRefusedAndChangesNothing() {
        String bobsHome = "/" + bob + "/mv-bob-" + tag;
        TestCalls.home(bobToken, bobsHome);
        upload(bobToken, bobsHome + "/mine.txt", "bob's".getBytes()).then().statusCode(201);
        TestCalls.mkdirs(annToken, dir + "/closed");
        // bob may look into ann's directory but not put anything there.
        putAcl(annToken, dir, acl(true, "user:" + bob, "READ"));

        move(bobToken, bobsHome + "/mine.txt", dir + "/closed/mine.txt").then().statusCode(403)
                .body("detail", containsString("WRITE"));

        assertArrayEquals("bob's".getBytes(), download(bobToken, bobsHome + "/mine.txt"));
        assertEquals(404, stat(annToken, dir + "/closed/mine.txt"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertTrue(
                TestCalls.accessDenied(bob).stream().anyMatch(ev -> ev.path("data").path("reason").asText()
                        .contains(dir + "/closed"))));
        // A target directory that does not exist is 404 to whoever may look there.
        move(bobToken, bobsHome + "/mine.txt", dir + "/missing/mine.txt").then().statusCode(404);
    }

    @Test
    void aMoveOntoAnExistingNameIsAConflictAndChangesNothing() {
        upload(annToken, dir + "/one.txt", "one".getBytes()).then().statusCode(201);
        upload(annToken, dir + "/two.txt", "two".getBytes()).then().statusCode(201);
        TestCalls.mkdirs(annToken, dir + "/sub");

        move(annToken, dir + "/one.txt", dir + "/two.txt").then().statusCode(409)
                .contentType(containsString("application/problem+json"));
        move(annToken, dir + "/one.txt", dir + "/sub").then().statusCode(409);

        assertArrayEquals("one".getBytes(), download(annToken, dir + "/one.txt"));
        assertArrayEquals("two".getBytes(), download(annToken, dir + "/two.txt"));
    }

    @Test
    void aDirectoryCannotMoveIntoItselfOrBelowIt() {
        TestCalls.mkdirs(annToken, dir + "/tree/inner");
        upload(annToken, dir + "/tree/inner/f.txt", "f".getBytes()).then().statusCode(201);

        move(annToken, dir + "/tree", dir + "/tree/inner/tree").then().statusCode(400)
                .contentType(containsString("application/problem+json"));
        move(annToken, dir + "/tree", dir + "/tree").then().statusCode(400);
        move(annToken, "/", dir + "/root").then().statusCode(400);

        assertArrayEquals("f".getBytes(), download(annToken, dir + "/tree/inner/f.txt"));
        assertEquals(404, stat(annToken, dir + "/tree/inner/tree"));
    }

    @Test
    void malformedMoveBodiesAreRefusedPlainly() {
        given().auth().oauth2(annToken).contentType("application/json").body("{\"from\":\"" + dir + "\"}")
                .post("/api/v1/moves").then().statusCode(400).contentType(containsString("application/problem+json"));
        given().auth().oauth2(annToken).contentType("application/json").body("[]").post("/api/v1/moves").then()
                .statusCode(400);
        move(annToken, dir + "/../x", dir + "/y").then().statusCode(400);
        move(annToken, "relative", dir + "/y").then().statusCode(400);
    }

    @Test
    void aMoveUnderSomeoneElsesLockIs423UntilTheHolderMovesWithItsToken() {
        TestCalls.mkdirs(annToken, dir + "/src/sub");
        TestCalls.mkdirs(annToken, dir + "/other");
        upload(annToken, dir + "/src/sub/locked.txt", "locked".getBytes()).then().statusCode(201);
        putAcl(annToken, dir, acl(true, "user:" + bob, "READ", "WRITE", "DELETE"));
        String token = lock(annToken, dir + "/src/sub/locked.txt");

        // A lock below the source binds the whole move, for others and for the holder without its token.
        move(bobToken, dir + "/src", dir + "/other/by-bob").then().statusCode(423)
                .contentType(containsString("application/problem+json")).body("holder", equalTo(ann));
        move(annToken, dir + "/src", dir + "/other/moved").then().statusCode(423);
        assertEquals(200, stat(annToken, dir + "/src/sub/locked.txt"));
        assertEquals(404, stat(annToken, dir + "/other/by-bob"));

        move(annToken, dir + "/src", dir + "/other/moved", token).then().statusCode(200);
        assertArrayEquals("locked".getBytes(), download(annToken, dir + "/other/moved/sub/locked.txt"));
        // The lock went along into its new directory and still binds there, writes and locks above it alike.
        given().auth().oauth2(annToken).get("/api/v1/locks" + dir + "/other/moved/sub/locked.txt").then()
                .statusCode(200).body("path", equalTo(List.of(dir + "/other/moved/sub/locked.txt")));
        upload(bobToken, dir + "/other/moved/sub/locked.txt", "intruder".getBytes()).then().statusCode(423);
        given().auth().oauth2(bobToken).contentType("application/json").body("{\"mode\":\"SHARED\"}")
                .post("/api/v1/locks" + dir + "/other/moved/sub").then().statusCode(423);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(1,
                TestCalls.lockDenied(bob, dir + "/src", "move").size()));
        assertEquals(java.util.UUID.nameUUIDFromBytes(bob.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString(),
                TestCalls.lockDenied(bob, dir + "/src", "move").get(0).path("data").path("actorSubject").asText(),
                "the refusal names the token's subject");
    }

    @Test
    void aLockOnTheTargetDirectoryBindsTooAndSeveralTokensMayBePresented() {
        TestCalls.mkdirs(annToken, dir + "/from");
        TestCalls.mkdirs(annToken, dir + "/into");
        upload(annToken, dir + "/from/f.txt", "f".getBytes()).then().statusCode(201);
        String sourceLock = lock(annToken, dir + "/from/f.txt");
        String targetLock = lock(annToken, dir + "/into");

        move(annToken, dir + "/from/f.txt", dir + "/into/f.txt", sourceLock).then().statusCode(423);
        move(annToken, dir + "/from/f.txt", dir + "/into/f.txt", targetLock).then().statusCode(423);
        assertEquals(200, stat(annToken, dir + "/from/f.txt"));

        // One Lock-Token header per lock.
        move(annToken, dir + "/from/f.txt", dir + "/into/f.txt", sourceLock, targetLock).then().statusCode(200);
        assertArrayEquals("f".getBytes(), download(annToken, dir + "/into/f.txt"));
    }

    @Test
    void ofTwoConcurrentMovesOfOneSourceExactlyOneWins() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 4; round++) {
                String source = dir + "/race-" + round;
                byte[] content = random(100_000, 10 + round);
                upload(annToken, source, content).then().statusCode(201);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Response>> moves = new ArrayList<>();
                for (String target : List.of(source + "-left", source + "-right")) {
                    moves.add(pool.submit(() -> {
                        start.await();
                        return move(annToken, source, target);
                    }));
                }
                start.countDown();
                List<Integer> statuses = new ArrayList<>();
                for (Future<Response> moveCall : moves) {
                    statuses.add(moveCall.get().statusCode());
                }
                assertEquals(1, statuses.stream().filter(s -> s == 200).count(), "round " + round + ": " + statuses);
                assertTrue(statuses.stream().anyMatch(s -> s == 404 || s == 409), "round " + round + ": " + statuses);
                String winner = statuses.get(0) == 200 ? source + "-left" : source + "-right";
                String loser = statuses.get(0) == 200 ? source + "-right" : source + "-left";
                assertArrayEquals(content, download(annToken, winner));
                assertEquals(404, stat(annToken, loser));
                assertEquals(404, stat(annToken, source));
                String finalSource = source;
                Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(1,
                        fileEvents("file.moved", finalSource).size()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoDirectoryMovesThatCrossNeverMakeACycleAndNeverFailWithA500() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 6; round++) {
                // Each directory into the other: straight (a into b, b into a) and deep (a into b/c).
                String base = dir + "/cross-" + round;
                TestCalls.mkdirs(annToken, base + "/a");
                TestCalls.mkdirs(annToken, base + "/b/c");
                byte[] inA = random(50_000, 30 + round);
                byte[] inB = random(50_000, 60 + round);
                upload(annToken, base + "/a/f.bin", inA).then().statusCode(201);
                upload(annToken, base + "/b/g.bin", inB).then().statusCode(201);
                String aTarget = round % 2 == 0 ? base + "/b/a" : base + "/b/c/a";
                CountDownLatch start = new CountDownLatch(1);
                Future<Response> first = pool.submit(() -> {
                    start.await();
                    return move(annToken, base + "/a", aTarget);
                });
                Future<Response> second = pool.submit(() -> {
                    start.await();
                    return move(annToken, base + "/b", base + "/a/b");
                });
                start.countDown();
                int aMoved = first.get().statusCode();
                int bMoved = second.get().statusCode();
                List<Integer> statuses = List.of(aMoved, bMoved);
                assertEquals(1, statuses.stream().filter(s -> s == 200).count(), "round " + round + ": " + statuses);
                assertTrue(statuses.stream().allMatch(s -> s == 200 || s == 404 || s == 409),
                        "round " + round + ": " + statuses);
                // Whichever won, both files are reachable from the root under the winner's layout.
                if (aMoved == 200) {
                    assertArrayEquals(inA, download(annToken, aTarget + "/f.bin"));
                    assertArrayEquals(inB, download(annToken, base + "/b/g.bin"));
                } else {
                    assertArrayEquals(inA, download(annToken, base + "/a/f.bin"));
                    assertArrayEquals(inB, download(annToken, base + "/a/b/g.bin"));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
