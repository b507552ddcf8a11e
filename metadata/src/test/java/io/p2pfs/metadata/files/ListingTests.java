package io.p2pfs.metadata.files;

import static io.p2pfs.metadata.TestCalls.random;
import static io.p2pfs.metadata.TestCalls.upload;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.p2pfs.metadata.MetadataTestResource;
import io.p2pfs.metadata.TestCalls;
import io.p2pfs.metadata.TestPeers;
import io.p2pfs.metadata.TestUsers;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code GET /list}: what each entry of a page says about itself. */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
class ListingTests {

    @Test
    void aListingShowsEachFilesCurrentSizeAndNoneForDirectories() {
        TestPeers.atLeast(3);
        String tag = TestCalls.tag();
        String token = TestUsers.token("lisa-" + tag);
        String dir = "/lisa-" + tag + "/ls-" + tag;
        TestCalls.home(token, dir);
        upload(token, dir + "/one-byte", new byte[] {42}).then().statusCode(201);
        upload(token, dir + "/medium", random(5_000, 1)).then().statusCode(201);
        upload(token, dir + "/large", random(1_700_000, 2)).then().statusCode(201);
        // A new, smaller version: the listing shows the current one's size.
        upload(token, dir + "/medium", random(12, 3)).then().statusCode(200);
        TestCalls.mkdirs(token, dir + "/sub");

        Map<String, Long> sizes = new HashMap<>();
        String cursor = null;
        do {
            var request = given().auth().oauth2(token).queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/api/v1/list" + dir).then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> entries = page.getList("entries");
            for (Map<String, Object> entry : entries) {
                Object size = entry.get("size");
                sizes.put((String) entry.get("name"), size == null ? null : ((Number) size).longValue());
            }
            cursor = page.getString("nextCursor");
        } while (cursor != null);

        assertEquals(4, sizes.size(), sizes.toString());
        assertEquals(1L, sizes.get("one-byte"));
        assertEquals(12L, sizes.get("medium"));
        assertEquals(1_700_000L, sizes.get("large"));
        assertNull(sizes.get("sub"));
        assertEquals(true, sizes.containsKey("sub"));
    }

    /** Every page of {@code dir} for {@code token}, {@code limit} at a time: the names in order, and the page sizes. */
    static List<List<String>> pages(String token, String dir, int limit) {
        List<List<String>> pages = new java.util.ArrayList<>();
        String cursor = null;
        do {
            var request = given().auth().oauth2(token).queryParam("limit", limit);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/api/v1/list" + dir).then().statusCode(200).extract().jsonPath();
            pages.add(page.getList("entries.name", String.class));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        return pages;
    }

    @Test
    void pagesLeaveOutWhatTheCallerMayNotReadAndTheCursorMovesPastIt() {
        String tag = TestCalls.tag();
        String owner = TestUsers.token("lina-" + tag);
        String reader = TestUsers.token("lino-" + tag);
        String dir = "/lina-" + tag + "/pages";
        TestCalls.home(owner, dir);
        for (int i = 0; i < 7; i++) {
            upload(owner, dir + "/f" + i, new byte[] {(byte) i}).then().statusCode(201);
        }
        given().auth().oauth2(owner).contentType("application/json")
                .body("{\"inherit\":true,\"entries\":[{\"principal\":\"user:lino-" + tag
                        + "\",\"permissions\":[\"READ\"]}]}")
                .put("/api/v1/acl" + dir).then().statusCode(200);
        for (String hidden : List.of("f2", "f3", "f5")) {
            given().auth().oauth2(owner).contentType("application/json").body("{\"inherit\":false,\"entries\":[]}")
                    .put("/api/v1/acl" + dir + "/" + hidden).then().statusCode(200);
        }

        List<List<String>> readerPages = pages(reader, dir, 2);
        assertEquals(List.of("f0", "f1", "f4", "f6"), readerPages.stream().flatMap(List::stream).toList(),
                readerPages.toString());
        readerPages.forEach(page -> assertEquals(true, page.size() <= 2, readerPages.toString()));
        // The page of f2 and f3 shows neither, and the cursor still moves on past them.
        assertEquals(true, readerPages.contains(List.of()), readerPages.toString());

        List<List<String>> ownerPages = pages(owner, dir, 3);
        assertEquals(List.of(List.of("f0", "f1", "f2"), List.of("f3", "f4", "f5"), List.of("f6")), ownerPages);
    }
}
