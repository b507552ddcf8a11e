package io.p2pfs.metadata.files;

import static io.p2pfs.metadata.TestCalls.acl;
import static io.p2pfs.metadata.TestCalls.download;
import static io.p2pfs.metadata.TestCalls.fileEvents;
import static io.p2pfs.metadata.TestCalls.lock;
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
import io.p2pfs.testing.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code DELETE /files/{dir}?recursive=true} on the real database, peers and broker: a whole
 * tree goes in one transaction with an event per entry, or nothing goes at all.
 */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
class RecursiveDeleteTests {

    final String tag = TestCalls.tag();
    final String ann = "ann-rd-" + tag;
    final String bob = "bob-rd-" + tag;
    String annToken;
    String bobToken;
    String dir;
    String tree;

    /** {@code tree/a.txt, tree/sub/b.bin, tree/sub/deeper/c.txt} of ann's. */
    @BeforeEach
    void aTree() {
        TestPeers.atLeast(3);
        annToken = TestUsers.token(ann);
        bobToken = TestUsers.token(bob);
        dir = "/" + ann + "/rd-" + tag;
        tree = dir + "/tree";
        TestCalls.home(annToken, dir);
        TestCalls.mkdirs(annToken, tree + "/sub/deeper");
        upload(annToken, tree + "/a.txt", "a".getBytes()).then().statusCode(201);
        upload(annToken, tree + "/sub/b.bin", random(300_000, 7)).then().statusCode(201);
        upload(annToken, tree + "/sub/deeper/c.txt", "c".getBytes()).then().statusCode(201);
    }

    static int delete(String token, String path, String... lockTokens) {
        var request = given().auth().oauth2(token);
        for (String lockToken : lockTokens) {
            request.header("Lock-Token", lockToken);
        }
        return request.delete("/api/v1/files" + path + "?recursive=true").statusCode();
    }

    void treeIsWhole() {
        assertArrayEquals("a".getBytes(), download(annToken, tree + "/a.txt"));
        assertArrayEquals(random(300_000, 7), download(annToken, tree + "/sub/b.bin"));
        assertArrayEquals("c".getBytes(), download(annToken, tree + "/sub/deeper/c.txt"));
    }

    @Test
    void aRecursiveDeleteRemovesTheWholeTreeWithAnEventPerEntry() {
        assertEquals(204, delete(annToken, tree));

        for (String path : List.of(tree, tree + "/a.txt", tree + "/sub", tree + "/sub/b.bin", tree + "/sub/deeper",
                tree + "/sub/deeper/c.txt")) {
            assertEquals(404, stat(annToken, path), path);
        }
        given().auth().oauth2(annToken).get("/api/v1/list" + dir).then().statusCode(200)
                .body("entries.name", not(hasItem("tree")));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String file : List.of(tree + "/a.txt", tree + "/sub/b.bin", tree + "/sub/deeper/c.txt")) {
                List<JsonNode> deleted = fileEvents("file.deleted", file);
                assertEquals(1, deleted.size(), file);
                assertEquals("FILE", deleted.get(0).path("data").path("details").path("type").asText());
                assertEquals(ann, deleted.get(0).path("data").path("actor").asText());
                assertEquals("SUCCESS", deleted.get(0).path("data").path("outcome").asText());
            }
            for (String sub : List.of(tree + "/sub", tree + "/sub/deeper")) {
                assertEquals(1, fileEvents("file.deleted", sub).size(), sub);
            }
            List<JsonNode> top = fileEvents("file.deleted", tree);
            assertEquals(1, top.size());
            assertEquals("DIR", top.get(0).path("data").path("details").path("type").asText());
            assertTrue(top.get(0).path("data").path("details").path("recursive").asBoolean());
            assertEquals(5, top.get(0).path("data").path("details").path("entriesBelow").asInt());
        });
        // The directory's name is free again.
        given().auth().oauth2(annToken).post("/api/v1/dirs" + tree).then().statusCode(201);
    }

    @Test
    void oneEntryBelowThatDeniesDeleteRefusesTheWholeDelete() {
        // bob may delete anything in ann's directory, except one file that cuts the inherited grant.
        putAcl(annToken, dir, acl(true, "user:" + bob, "READ", "DOWNLOAD", "DELETE"));
        putAcl(annToken, tree + "/sub/deeper/c.txt", acl(false, "user:" + bob, "READ"));

        assertEquals(403, delete(bobToken, tree));
        given().auth().oauth2(bobToken).delete("/api/v1/files" + tree + "?recursive=true").then().statusCode(403)
                .contentType(containsString("application/problem+json"))
                .body("detail", containsString("nothing was changed")).body("refusedEntries", equalTo(1));

        treeIsWhole();
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(2,
                TestCalls.accessDenied(bob).size()));
        assertEquals(0, fileEvents("file.deleted", tree + "/a.txt").size());
        // Without the cut, the same delete goes through.
        putAcl(annToken, tree + "/sub/deeper/c.txt", acl(true, null));
        assertEquals(204, delete(bobToken, tree));
        assertEquals(404, stat(annToken, tree + "/sub/deeper/c.txt"));
    }

    @Test
    void aLockAnywhereBelowRefusesTheWholeDeleteUntilItsHolderPresentsTheToken() {
        putAcl(annToken, dir, acl(true, "user:" + bob, "READ", "DELETE"));
        String token = lock(annToken, tree + "/sub/deeper/c.txt");

        assertEquals(423, delete(bobToken, tree));
        given().auth().oauth2(bobToken).delete("/api/v1/files" + tree + "?recursive=true").then().statusCode(423)
                .contentType(containsString("application/problem+json")).body("holder", equalTo(ann));
        assertEquals(423, delete(annToken, tree));

        treeIsWhole();
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(2,
                TestCalls.lockDenied(bob, tree, "delete").size()));
        assertEquals(204, delete(annToken, tree, token));
        assertEquals(404, stat(annToken, tree + "/sub/deeper/c.txt"));
    }

    @Test
    void aNonEmptyDirectoryWithoutRecursiveIsAConflict() {
        given().auth().oauth2(annToken).delete("/api/v1/files" + tree).then().statusCode(409)
                .contentType(containsString("application/problem+json"))
                .body("detail", containsString("recursive=true"));
        given().auth().oauth2(annToken).delete("/api/v1/files" + tree + "?recursive=false").then().statusCode(409);
        treeIsWhole();
        // An empty one goes without it, a file with it.
        assertEquals(204, given().auth().oauth2(annToken).delete("/api/v1/files" + tree + "/sub/deeper/c.txt")
                .statusCode());
        assertEquals(204, given().auth().oauth2(annToken).delete("/api/v1/files" + tree + "/sub/deeper").statusCode());
        assertEquals(204, delete(annToken, tree + "/a.txt"));
        assertEquals(404, stat(annToken, tree + "/a.txt"));
    }

    @Test
    void theRootCanNeverBeDeleted() {
        String admin = "root-rd-" + tag;
        TestUsers.register(admin);
        String adminToken = TestTokens.user(admin).roles("user", "admin").sign();
        for (String token : List.of(annToken, adminToken)) {
            given().auth().oauth2(token).delete("/api/v1/files/?recursive=true").then().statusCode(400)
                    .contentType(containsString("application/problem+json"));
            given().auth().oauth2(token).delete("/api/v1/files/").then().statusCode(400);
        }
        assertEquals(200, stat(annToken, tree + "/a.txt"));
    }
}
