package io.p2pfs.metadata.sharing;

import static io.p2pfs.metadata.TestCalls.acl;
import static io.p2pfs.metadata.TestCalls.putAcl;
import static io.p2pfs.metadata.TestCalls.upload;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.p2pfs.metadata.MetadataTestResource;
import io.p2pfs.metadata.TestCalls;
import io.p2pfs.metadata.TestPeers;
import io.p2pfs.metadata.TestUsers;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /shared} against real ACLs: what reaches the caller, through which principal, page by page. */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
class SharedTests {

    final String tag = TestCalls.tag();
    final String ann = "ann-sh-" + tag;
    final String bob = "bob-sh-" + tag;
    final String team = "team-sh-" + tag;
    String annToken;
    String bobToken;
    String dir;

    @BeforeEach
    void users() {
        TestPeers.atLeast(3);
        annToken = TestUsers.token(ann);
        bobToken = TestUsers.token(bob, team);
        dir = "/" + ann + "/sh-" + tag;
        TestCalls.home(annToken, dir);
    }

    /** Every row of the caller's /shared, following the cursor, as {@code path principal [permissions]}. */
    static List<String> shared(String token, int limit) {
        List<String> rows = new ArrayList<>();
        String cursor = null;
        do {
            var request = given().auth().oauth2(token).queryParam("limit", limit);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/api/v1/shared").then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> entries = page.getList("entries");
            assertTrue(entries.size() <= limit);
            for (Map<String, Object> entry : entries) {
                rows.add(entry.get("path") + " " + entry.get("type") + " " + entry.get("owner") + " "
                        + entry.get("principal") + " " + entry.get("permissions"));
            }
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        return rows;
    }

    /** The rows about paths of this test (other tests share things with everyone). */
    List<String> mine(String token, int limit) {
        return shared(token, limit).stream().filter(row -> row.contains("sh-" + tag)).toList();
    }

    @Test
    void sharedShowsWhatOthersGrantedMeByUserAndByGroupButNotMyOwnEntries() {
        upload(annToken, dir + "/for-bob.txt", "x".getBytes()).then().statusCode(201);
        TestCalls.mkdirs(annToken, dir + "/team");
        upload(annToken, dir + "/team/inside.txt", "inherited, not granted here".getBytes()).then().statusCode(201);
        upload(annToken, dir + "/nobody.txt", "x".getBytes()).then().statusCode(201);
        putAcl(annToken, dir + "/for-bob.txt", acl(true, "user:" + bob, "READ", "DOWNLOAD"));
        putAcl(annToken, dir + "/team", acl(true, "group:" + team, "READ", "WRITE"));
        // bob's own file in ann's shared directory: not shared with him, and ann, who owns the directory, holds
        // everything there anyway.
        upload(bobToken, dir + "/team/bobs.txt", "mine".getBytes()).then().statusCode(201);
        putAcl(bobToken, dir + "/team/bobs.txt", acl(true, "authenticated", "READ"));
        // bob's file in his own directory, for every authenticated user.
        String bobsHome = "/" + bob + "/sh-" + tag + "-bob";
        TestCalls.home(bobToken, bobsHome);
        upload(bobToken, bobsHome + "/public.txt", "for all".getBytes()).then().statusCode(201);
        putAcl(bobToken, bobsHome + "/public.txt", acl(true, "authenticated", "READ", "DOWNLOAD"));

        assertEquals(List.of(
                dir + "/for-bob.txt FILE " + ann + " user:" + bob + " [READ, DOWNLOAD]",
                dir + "/team DIR " + ann + " group:" + team + " [READ, WRITE]"), mine(bobToken, 100));
        assertEquals(List.of(bobsHome + "/public.txt FILE " + bob + " authenticated [READ, DOWNLOAD]"),
                mine(annToken, 100));
    }

    @Test
    void anEntryWhoseGrantIsCutOffByInheritFalseDoesNotAppear() {
        TestCalls.mkdirs(annToken, dir + "/docs");
        upload(annToken, dir + "/docs/report.txt", "x".getBytes()).then().statusCode(201);
        putAcl(annToken, dir + "/docs", acl(true, "group:" + team, "READ"));
        // The file grants bob DOWNLOAD itself; READ comes from the directory above.
        putAcl(annToken, dir + "/docs/report.txt", acl(true, "user:" + bob, "DOWNLOAD"));
        assertEquals(List.of(dir + "/docs DIR " + ann + " group:" + team + " [READ]",
                dir + "/docs/report.txt FILE " + ann + " user:" + bob + " [DOWNLOAD]"), mine(bobToken, 100));

        // inherit:false cuts the directory's READ off: bob may no longer read the file, and it is not listed.
        putAcl(annToken, dir + "/docs/report.txt", acl(false, "user:" + bob, "DOWNLOAD"));
        // Cut off from bob, so answered as a missing name would be.
        assertEquals(404, TestCalls.stat(bobToken, dir + "/docs/report.txt"));
        assertEquals(List.of(dir + "/docs DIR " + ann + " group:" + team + " [READ]"), mine(bobToken, 100));
    }

    @Test
    void pagesFollowTheCursorInPathOrderWithoutRepeatsOrGaps() {
        List<String> expected = new ArrayList<>();
        for (String name : List.of("e", "a", "d", "b", "c")) {
            upload(annToken, dir + "/" + name + ".txt", name.getBytes()).then().statusCode(201);
            putAcl(annToken, dir + "/" + name + ".txt", acl(true, "user:" + bob, "READ"));
        }
        for (String name : List.of("a", "b", "c", "d", "e")) {
            expected.add(dir + "/" + name + ".txt FILE " + ann + " user:" + bob + " [READ]");
        }
        List<String> all = shared(bobToken, 2);
        List<String> sorted = new ArrayList<>(all);
        sorted.sort(null);
        assertEquals(sorted.stream().distinct().toList(), all, "sorted by path, each row once");
        assertEquals(expected, mine(bobToken, 2));
        assertEquals(shared(bobToken, 1000), all);

        given().auth().oauth2(bobToken).queryParam("cursor", "not a cursor").get("/api/v1/shared").then()
                .statusCode(400).contentType(containsString("application/problem+json"));
        given().auth().oauth2(bobToken).queryParam("limit", 0).get("/api/v1/shared").then().statusCode(400);
    }
}
