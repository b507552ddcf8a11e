package io.p2pfs.metadata.files;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.p2pfs.metadata.MetadataTestResource;
import io.p2pfs.metadata.TestCalls;
import io.p2pfs.metadata.TestPeers;
import io.p2pfs.metadata.TestUsers;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The directories, ACLs and policies each replica keeps in memory are exact: every change is in
 * force from the next request on, whoever made it (this service, another replica, or SQL run
 * straight against the database, which is how another replica's change looks from here).
 * Each test first resolves the paths so that what it then changes is held in memory.
 */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
class DirectoryCacheTests {

    String tag;
    String owner;
    String ownerToken;
    String reader;
    String readerToken;
    String dir;

    @BeforeEach
    void users() {
        TestPeers.atLeast(3);
        tag = TestCalls.tag();
        owner = "dc-" + tag;
        reader = "dr-" + tag;
        ownerToken = TestUsers.token(owner);
        readerToken = TestUsers.token(reader);
        dir = "/" + owner + "/dc-" + tag;
        given().auth().oauth2(ownerToken).post("/api/v1/dirs" + dir + "/a/b?parents=true").then().statusCode(201);
        TestCalls.upload(ownerToken, dir + "/a/b/f.txt", "content".getBytes()).then().statusCode(201);
    }

    /** Resolves the file's path a few times, so its directories and their ACLs are held. */
    void warm(String token, String path, int status) {
        for (int i = 0; i < 3; i++) {
            assertEquals(status, TestCalls.stat(token, path), path);
        }
    }

    long entryId(String path) {
        String etag = given().auth().oauth2(ownerToken).get("/api/v1/stat" + path).then().statusCode(200).extract()
                .path("etag");
        return etag == null ? -1 : Long.parseLong(etag.replace("\"", "").split("\\.")[0]);
    }

    static double fastStats() {
        String metrics = given().auth().oauth2(io.p2pfs.testing.TestTokens.user("prometheus").roles("metrics").sign()).get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("p2pfs_stat_fast_total")).mapToDouble(l -> Double.parseDouble(
                l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void onceItsDirectoriesAreHeldAStatIsAnsweredInOneStatementAndStillRefusesAsBefore() {
        double before = fastStats();
        warm(ownerToken, dir + "/a/b/f.txt", 200);
        assertTrue(fastStats() >= before + 2, "the second and third stat took the one-statement path");
        // What it may not answer goes the full way, with the same answers.
        // (404: the reader may not see the file, so it is answered as a missing name would be.)
        assertEquals(404, TestCalls.stat(readerToken, dir + "/a/b/f.txt"));
        assertEquals(404, TestCalls.stat(ownerToken, dir + "/a/b/missing.txt"));
        given().auth().oauth2(ownerToken).get("/api/v1/stat" + dir + "/a/b").then().statusCode(200)
                .body("type", equalTo("DIR"));
        TestCalls.putAcl(ownerToken, dir + "/a", TestCalls.acl(true, "user:" + reader, "READ"));
        warm(readerToken, dir + "/a/b/f.txt", 200);
        given().auth().oauth2(readerToken).get("/api/v1/stat" + dir + "/a/b/f.txt").then().statusCode(200)
                .body("sha256", org.hamcrest.Matchers.nullValue()).body("etag", org.hamcrest.Matchers.notNullValue());
        given().auth().oauth2(ownerToken).get("/api/v1/stat" + dir + "/a/b/f.txt").then().statusCode(200)
                .body("sha256", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void aRevokedGrantOnAnAncestorBindsTheNextRequest() {
        TestCalls.putAcl(ownerToken, dir + "/a", TestCalls.acl(true, "user:" + reader, "READ"));
        warm(readerToken, dir + "/a/b/f.txt", 200);
        TestCalls.putAcl(ownerToken, dir + "/a", TestCalls.acl(true, null));
        // Hidden from the reader again: answered as a missing name.
        assertEquals(404, TestCalls.stat(readerToken, dir + "/a/b/f.txt"));
        // And granted again: in force at once too.
        TestCalls.putAcl(ownerToken, dir + "/a", TestCalls.acl(true, "user:" + reader, "READ"));
        assertEquals(200, TestCalls.stat(readerToken, dir + "/a/b/f.txt"));
    }

    @Test
    void aGrantRemovedStraightInTheDatabaseAsAnotherReplicaWouldBindsTheNextRequest() {
        TestCalls.putAcl(ownerToken, dir + "/a", TestCalls.acl(true, "user:" + reader, "READ"));
        warm(readerToken, dir + "/a/b/f.txt", 200);
        long a = TestPeers.count("SELECT entry_id FROM acls WHERE grants::text LIKE '%" + reader + "%'");
        TestPeers.execute("DELETE FROM acls WHERE entry_id = " + a);
        assertEquals(404, TestCalls.stat(readerToken, dir + "/a/b/f.txt"));
    }

    @Test
    void aMovedDirectoryIsNotFoundUnderItsOldNameAndFoundUnderItsNew() {
        warm(ownerToken, dir + "/a/b/f.txt", 200);
        TestCalls.move(ownerToken, dir + "/a/b", dir + "/a/c").then().statusCode(200);
        assertEquals(404, TestCalls.stat(ownerToken, dir + "/a/b/f.txt"));
        assertEquals(200, TestCalls.stat(ownerToken, dir + "/a/c/f.txt"));
        // A directory made again under the old name is a new, empty one.
        given().auth().oauth2(ownerToken).post("/api/v1/dirs" + dir + "/a/b").then().statusCode(201);
        assertEquals(404, TestCalls.stat(ownerToken, dir + "/a/b/f.txt"));
    }

    @Test
    void aDeletedDirectoryRecreatedByAnotherOwnerGivesNoRightsOfTheOldOne() {
        // The reader owns /x; the owner's directory below it is deleted and made again by the reader.
        String shared = "/" + reader + "/dcs-" + tag;
        given().auth().oauth2(readerToken).post("/api/v1/dirs" + shared).then().statusCode(201);
        TestCalls.putAcl(readerToken, shared, TestCalls.acl(true, "user:" + owner, "READ", "WRITE", "DELETE"));
        given().auth().oauth2(ownerToken).post("/api/v1/dirs" + shared + "/d/e?parents=true").then().statusCode(201);
        TestCalls.upload(ownerToken, shared + "/d/e/g.txt", "owner's".getBytes()).then().statusCode(201);
        warm(ownerToken, shared + "/d/e/g.txt", 200);
        given().auth().oauth2(ownerToken).queryParam("recursive", true).delete("/api/v1/files" + shared + "/d").then()
                .statusCode(204);
        TestCalls.putAcl(readerToken, shared, TestCalls.acl(true, null));
        given().auth().oauth2(readerToken).post("/api/v1/dirs" + shared + "/d/e?parents=true").then()
                .statusCode(201);
        TestCalls.upload(readerToken, shared + "/d/e/g.txt", "reader's".getBytes()).then().statusCode(201);
        // The owner held everything in the old /d (its owner); in the new one, nothing.
        // (404: the new /d is not the owner's to see, so its file is answered as a missing name.)
        assertEquals(404, TestCalls.stat(ownerToken, shared + "/d/e/g.txt"));
        TestCalls.upload(ownerToken, shared + "/d/e/g.txt", "again".getBytes()).then().statusCode(404);
        assertEquals("reader's", new String(TestCalls.download(readerToken, shared + "/d/e/g.txt")));
    }

    @Test
    void aPolicyChangedAboveAFileDecidesItsNextUpload() {
        String path = dir + "/a/b/f.txt";
        String first = given().auth().oauth2(ownerToken).get("/api/v1/stat" + path).then().extract().path("etag");
        TestCalls.upload(ownerToken, path, "second".getBytes()).then().statusCode(200);
        // FAIL (the default): a stale If-Match is refused ...
        given().auth().oauth2(ownerToken).header("If-Match", first).contentType("application/octet-stream")
                .body("stale".getBytes()).put("/api/v1/files" + path).then().statusCode(412);
        // ... and once the directory above says KEEP_BOTH, the same upload is kept beside it.
        given().auth().oauth2(ownerToken).contentType("application/json")
                .body(Map.of("conflictStrategy", "KEEP_BOTH")).put("/api/v1/policies" + dir + "/a").then()
                .statusCode(200).body("effective.conflictStrategy", equalTo("KEEP_BOTH"));
        given().auth().oauth2(ownerToken).header("If-Match", first).contentType("application/octet-stream")
                .body("stale".getBytes()).put("/api/v1/files" + path).then().statusCode(201)
                .header("X-P2pfs-Conflict", "KEEP_BOTH");
        // Changed straight in the database (another replica): FAIL again from the next request.
        TestPeers.execute("UPDATE policies SET conflict_strategy = 'FAIL' WHERE entry_id = " + entryOfDir(dir + "/a"));
        given().auth().oauth2(ownerToken).header("If-Match", first).contentType("application/octet-stream")
                .body("stale".getBytes()).put("/api/v1/files" + path).then().statusCode(412);
    }

    long entryOfDir(String path) {
        // A directory's stat has no ETag: find it through its child's row.
        long file = entryId(dir + "/a/b/f.txt");
        return TestPeers.count("SELECT p.parent_id FROM entries f JOIN entries p ON p.entry_id = f.parent_id "
                + "WHERE f.entry_id = " + file);
    }
}
