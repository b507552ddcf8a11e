package io.p2pfs.metadata.acl;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.common.events.Topics;
import io.p2pfs.metadata.MetadataTestResource;
import io.p2pfs.metadata.TestPeers;
import io.p2pfs.metadata.TestUsers;
import io.p2pfs.testing.KafkaRecords;
import io.p2pfs.testing.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ACLs through the REST API on the real database, peers and broker: every permission × every
 * kind of principal × every operation, granted on the file itself and inherited from its
 * directory; inheritance cut; immediate revoke; refused tokens; denials as Kafka events.
 */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
class AclTests {

    enum Kind { USER, GROUP, AUTHENTICATED, NONE }

    enum Placement { FILE, INHERITED }

    enum Op {
        STAT(Permission.READ), LIST(Permission.READ), DOWNLOAD(Permission.DOWNLOAD), CREATE(Permission.WRITE),
        OVERWRITE(Permission.WRITE), CHANGE_ACL(Permission.SHARE), DELETE(Permission.DELETE);

        final Permission needs;

        Op(Permission needs) {
            this.needs = needs;
        }
    }

    final String tag = UUID.randomUUID().toString().substring(0, 8);
    final String owner = "ann-" + tag;
    final String bob = "bob-" + tag;
    final String group = "team-" + tag;
    String ownerToken;
    String bobToken;

    @BeforeEach
    void users() {
        TestPeers.atLeast(3);
        ownerToken = TestUsers.token(owner);
        bobToken = TestUsers.token(bob, group);
        TestUsers.register("someone-" + tag);
    }

    String principal(Kind kind) {
        return switch (kind) {
            case USER -> "user:" + bob;
            case GROUP -> "group:" + group;
            case AUTHENTICATED -> "authenticated";
            case NONE -> "user:someone-" + tag;
        };
    }

    static String acl(boolean inherit, String principal, Permission... permissions) {
        StringBuilder list = new StringBuilder();
        for (Permission p : permissions) {
            list.append(list.isEmpty() ? "" : ",").append('"').append(p).append('"');
        }
        String entries = principal == null ? "" : "{\"principal\":\"" + principal + "\",\"permissions\":[" + list + "]}";
        return "{\"inherit\":" + inherit + ",\"entries\":[" + entries + "]}";
    }

    void putAcl(String token, String path, String body, int status) {
        given().auth().oauth2(token).contentType("application/json").body(body).put("/api/v1/acl" + path).then()
                .statusCode(status);
    }

    static Response upload(String token, String path, String content) {
        return given().auth().oauth2(token).contentType("application/octet-stream").body(content.getBytes())
                .put("/api/v1/files" + path);
    }

    /** Runs one operation as {@code token} on {@code dir/f.txt}; answers the status. */
    int run(Op op, String token, String dir) {
        String file = dir + "/f.txt";
        return switch (op) {
            case STAT -> given().auth().oauth2(token).get("/api/v1/stat" + file).statusCode();
            case LIST -> given().auth().oauth2(token).get("/api/v1/list" + dir).statusCode();
            case DOWNLOAD -> given().auth().oauth2(token).get("/api/v1/files" + file).statusCode();
            case CREATE -> upload(token, dir + "/new-" + UUID.randomUUID() + ".txt", "new").statusCode();
            case OVERWRITE -> upload(token, file, "overwritten").statusCode();
            case CHANGE_ACL -> given().auth().oauth2(token).contentType("application/json")
                    .body(acl(true, "user:someone-" + tag, Permission.READ)).put("/api/v1/acl" + file).statusCode();
            case DELETE -> given().auth().oauth2(token).delete("/api/v1/files" + file).statusCode();
        };
    }

    static boolean allowed(Op op, Permission granted, Kind kind, Placement placement) {
        if (kind == Kind.NONE || op.needs != granted) {
            return false;
        }
        // Listing the directory and creating in it need the permission on the directory itself.
        return placement == Placement.INHERITED || (op != Op.LIST && op != Op.CREATE);
    }

    /**
     * How a refused operation answers: 403 when bob may READ the entry it concerns (the file, or
     * the directory for listing and creating), else 404, as for a name that does not exist.
     */
    static int refusal(Op op, Permission granted, Kind kind, Placement placement) {
        boolean readsFile = granted == Permission.READ && kind != Kind.NONE;
        boolean readsDir = readsFile && placement == Placement.INHERITED;
        return (op == Op.LIST || op == Op.CREATE ? readsDir : readsFile) ? 403 : 404;
    }

    @Test
    void everyPermissionForEveryPrincipalKindOnEveryOperationFileAndInherited() {
        String base = "/" + owner + "/acl-" + tag;
        given().auth().oauth2(ownerToken).post("/api/v1/dirs" + base).then().statusCode(201);
        List<String> failures = new ArrayList<>();
        Map<String, Integer> deniedToBob = new LinkedHashMap<>();
        int denials = 0;
        int cells = 0;
        for (Permission granted : Permission.values()) {
            for (Kind kind : Kind.values()) {
                for (Placement placement : Placement.values()) {
                    String dir = base + "/" + granted + "-" + kind + "-" + placement;
                    given().auth().oauth2(ownerToken).post("/api/v1/dirs" + dir).then().statusCode(201);
                    upload(ownerToken, dir + "/f.txt", "content of " + dir).then().statusCode(201);
                    putAcl(ownerToken, placement == Placement.FILE ? dir + "/f.txt" : dir,
                            acl(true, principal(kind), granted), 200);
                    for (Op op : Op.values()) {
                        int status = run(op, bobToken, dir);
                        boolean expected = allowed(op, granted, kind, placement);
                        cells++;
                        int refusal = refusal(op, granted, kind, placement);
                        boolean ok = expected ? status >= 200 && status < 300 : status == refusal;
                        if (!ok) {
                            failures.add(op + " with " + granted + " granted to " + kind + " on " + placement
                                    + ": expected " + (expected ? "2xx" : refusal) + ", got " + status);
                        }
                        if (!expected && status == refusal) {
                            denials++;
                        }
                    }
                }
            }
        }
        // The owner may do everything, whatever the ACL says.
        String ownDir = base + "/owner";
        given().auth().oauth2(ownerToken).post("/api/v1/dirs" + ownDir).then().statusCode(201);
        upload(ownerToken, ownDir + "/f.txt", "mine").then().statusCode(201);
        putAcl(ownerToken, ownDir + "/f.txt", acl(false, null), 200);
        for (Op op : Op.values()) {
            int status = run(op, ownerToken, ownDir);
            cells++;
            if (status < 200 || status >= 300) {
                failures.add("owner " + op + ": got " + status);
            }
        }
        assertEquals(List.of(), failures, "ACL matrix cells that disagree (" + cells + " cells)");
        assertEquals(Permission.values().length * Kind.values().length * Placement.values().length
                * Op.values().length + Op.values().length, cells);

        // Every one of bob's refusals (403 or hiding 404) is an access.denied event on Kafka, naming him.
        int expectedDenials = denials;
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(expectedDenials,
                KafkaRecords.events(Topics.ACCESS, e -> e.path("type").asText().equals("access.denied")
                        && e.path("data").path("actor").asText().equals(bob)).size()));
        assertTrue(denials > 100, "the matrix denies most cells: " + denials);
        deniedToBob.clear();
    }

    @Test
    void inheritFalseCutsTheDirectoryGrantsAndHidesTheEntryFromListings() {
        String dir = "/" + owner + "/cut-" + tag;
        given().auth().oauth2(ownerToken).post("/api/v1/dirs" + dir).then().statusCode(201);
        upload(ownerToken, dir + "/open.txt", "open").then().statusCode(201);
        upload(ownerToken, dir + "/private.txt", "private").then().statusCode(201);
        putAcl(ownerToken, dir, acl(true, "user:" + bob, Permission.READ, Permission.DOWNLOAD), 200);
        putAcl(ownerToken, dir + "/private.txt", acl(false, null), 200);

        given().auth().oauth2(bobToken).get("/api/v1/files" + dir + "/open.txt").then().statusCode(200)
                .body(equalTo("open"));
        // Hidden from bob's listing, so answered as a name that does not exist would be (and audited).
        given().auth().oauth2(bobToken).get("/api/v1/files" + dir + "/private.txt").then().statusCode(404)
                .contentType(containsString("application/problem+json"));
        given().auth().oauth2(bobToken).get("/api/v1/stat" + dir + "/private.txt").then().statusCode(404)
                .body("detail", equalTo(given().auth().oauth2(bobToken).get("/api/v1/stat" + dir + "/missing.txt")
                        .then().statusCode(404).extract().<String>path("detail").replace("missing.txt", "private.txt")));
        given().auth().oauth2(bobToken).get("/api/v1/list" + dir).then().statusCode(200)
                .body("entries.name", hasItem("open.txt")).body("entries.name", not(hasItem("private.txt")));
        given().auth().oauth2(ownerToken).get("/api/v1/list" + dir).then().statusCode(200)
                .body("entries.name", hasItem("private.txt"));
        // Below it, too, bob learns nothing: what is there answers like what is not.
        given().auth().oauth2(bobToken).get("/api/v1/stat" + dir + "/private.txt/nothing").then().statusCode(404);
        given().auth().oauth2(bobToken).get("/api/v1/stat" + dir + "/missing.txt").then().statusCode(404);
    }

    @Test
    void aRevokeHoldsFromTheVeryNextRequest() {
        String dir = "/" + owner + "/revoke-" + tag;
        given().auth().oauth2(ownerToken).post("/api/v1/dirs" + dir).then().statusCode(201);
        upload(ownerToken, dir + "/f.txt", "shared for now").then().statusCode(201);
        putAcl(ownerToken, dir + "/f.txt", acl(true, "group:" + group, Permission.DOWNLOAD), 200);
        given().auth().oauth2(bobToken).get("/api/v1/files" + dir + "/f.txt").then().statusCode(200);
        putAcl(ownerToken, dir + "/f.txt", acl(true, null), 200);
        // Bob never could see it (DOWNLOAD only): now nothing is there for him.
        given().auth().oauth2(bobToken).get("/api/v1/files" + dir + "/f.txt").then().statusCode(404);

        given().auth().oauth2(ownerToken).get("/api/v1/acl" + dir + "/f.txt").then().statusCode(200)
                .body("owner", equalTo(owner)).body("inherit", equalTo(true)).body("entries.size()", equalTo(0))
                .body("yourPermissions.size()", equalTo(5));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<JsonNode> changes = KafkaRecords.events(Topics.ACLS, e -> e.path("type").asText()
                    .equals("acl.changed") && e.path("subject").asText().equals(dir + "/f.txt"));
            assertEquals(2, changes.size());
            assertEquals("group:" + group, changes.get(1).path("data").path("details").path("before")
                    .path("entries").path(0).path("principal").asText());
            assertEquals(0, changes.get(1).path("data").path("details").path("after").path("entries").size());
        });
    }

    @Test
    void malformedAclsAreRefusedWithProblemsAndChangeNothing() {
        String dir = "/" + owner + "/bad-acl-" + tag;
        given().auth().oauth2(ownerToken).post("/api/v1/dirs" + dir).then().statusCode(201);
        putAcl(ownerToken, dir, acl(true, "user:" + bob, Permission.READ), 200);
        for (String body : new String[] {"{\"entries\":[{\"principal\":\"root\",\"permissions\":[\"READ\"]}]}",
                "{\"entries\":[{\"principal\":\"user:x\",\"permissions\":[\"EXECUTE\"]}]}",
                "{\"entries\":[{\"principal\":\"user:x\",\"permissions\":[]}]}", "{\"inherit\":false}", "[]",
                "{\"entries\":[null]}"}) {
            given().auth().oauth2(ownerToken).contentType("application/json").body(body).put("/api/v1/acl" + dir)
                    .then().statusCode(400).contentType(containsString("application/problem+json"));
        }
        given().auth().oauth2(ownerToken).get("/api/v1/acl" + dir).then().statusCode(200)
                .body("entries[0].principal", equalTo("user:" + bob));
    }

    @Test
    void anAdministratorMayDoAnythingAndEveryOverrideIsAudited() {
        String dir = "/" + owner + "/admin-" + tag;
        given().auth().oauth2(ownerToken).post("/api/v1/dirs" + dir).then().statusCode(201);
        upload(ownerToken, dir + "/f.txt", "owned by ann").then().statusCode(201);
        String admin = "root-" + tag;
        TestUsers.register(admin);
        String adminToken = TestTokens.user(admin).roles("admin").sign();
        given().auth().oauth2(adminToken).get("/api/v1/files" + dir + "/f.txt").then().statusCode(200)
                .body(equalTo("owned by ann"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(1,
                KafkaRecords.events(Topics.ACCESS, e -> e.path("type").asText().equals("access.admin-override")
                        && e.path("data").path("actor").asText().equals(admin)
                        && e.path("subject").asText().equals(dir + "/f.txt")).size()));
    }

    @Test
    void tokensThatAreNotGoodEnoughAreRefusedAndEveryRefusalIsAnEvent() {
        String path = "/api/v1/stat/tokens-" + tag;
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("expired", TestTokens.user(bob).expired().sign());
        bad.put("wrong issuer", TestTokens.user(bob).issuer("https://evil.example/realms/p2pfs").sign());
        bad.put("wrong audience", TestTokens.user(bob).audience("someone-else").sign());
        bad.put("tampered", TestTokens.user(bob).tampered().sign());
        bad.put("alg none", TestTokens.user(bob).unsigned().sign());
        bad.put("stranger's key", TestTokens.user(bob).signedByStranger().sign());
        for (Map.Entry<String, String> attack : bad.entrySet()) {
            int status = given().auth().oauth2(attack.getValue()).get(path).statusCode();
            assertEquals(401, status, attack.getKey());
        }
        // A storage node's token cannot touch user files; an unregistered login is told to register.
        given().auth().oauth2(TestTokens.node().sign()).get("/api/v1/files/anything").then().statusCode(403);
        given().auth().oauth2(TestTokens.node().sign()).get("/api/v1/list/").then().statusCode(403);
        given().auth().oauth2(TestTokens.user("stranger-" + tag).sign()).get("/api/v1/list/").then()
                .statusCode(403).body("detail", containsString("register"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            // Refused tokens carry no identity: alike ones are folded into counted events.
            List<JsonNode> refused = KafkaRecords.events(Topics.ACCESS, e -> e.path("type").asText()
                    .equals("access.denied") && e.path("subject").asText().equals(path));
            assertEquals(bad.size(), KafkaRecords.refusals(refused));
            assertTrue(refused.size() < bad.size(), refused.toString());
            assertEquals(1, KafkaRecords.events(Topics.ACCESS, e -> e.path("type").asText().equals("access.denied")
                    && e.path("data").path("actor").asText().equals("stranger-" + tag)).size());
        });
    }

    static EnumSet<Permission> all() {
        return EnumSet.allOf(Permission.class);
    }
}
