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
}
