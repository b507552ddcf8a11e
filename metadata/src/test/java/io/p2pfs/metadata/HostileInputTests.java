package io.p2pfs.metadata;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.common.events.Topics;
import io.p2pfs.testing.HostileInputs;
import io.p2pfs.testing.KafkaRecords;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Random hostile requests over every endpoint of the metadata service, generated with jqwik's
 * arbitraries: malformed and look-alike paths, wrong JSON, odd headers, no token, a forged one,
 * a stranger's and the owner's. Whatever comes, the service never answers 5xx, never lets a
 * stranger or an anonymous caller read or change the owner's private tree, keeps the owner's
 * data as it was, and records every refusal it answers.
 */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
class HostileInputTests {

    static final int REQUESTS = 1200;

    enum Who { OWNER, STRANGER, ANONYMOUS, FORGED }

    /** One generated request: who sends it, to which endpoint, with which path, body and headers. */
    record Hostile(Who who, Endpoint endpoint, String path, String other, String body, Map<String, String> headers) {
    }

    /** Every endpoint: method, URL prefix (the namespace path follows), whether it takes a JSON body. */
    enum Endpoint {
        STAT("GET", "/api/v1/stat", false), LIST("GET", "/api/v1/list", false),
        DOWNLOAD("GET", "/api/v1/files", false), HEAD("HEAD", "/api/v1/files", false),
        PUT_FILE("PUT", "/api/v1/files", false), DELETE("DELETE", "/api/v1/files", false),
        MKDIR("POST", "/api/v1/dirs", false), MOVE("POST", "/api/v1/moves", true),
        VERSIONS("GET", "/api/v1/versions", false), RESTORE("POST", "/api/v1/versions", false),
        ACL_GET("GET", "/api/v1/acl", false), ACL_PUT("PUT", "/api/v1/acl", true),
        POLICY_GET("GET", "/api/v1/policies", false), POLICY_PUT("PUT", "/api/v1/policies", true),
        LOCK("POST", "/api/v1/locks", true), RENEW("PUT", "/api/v1/locks", true),
        UNLOCK("DELETE", "/api/v1/locks", false), LOCKS("GET", "/api/v1/locks", false),
        BEGIN("POST", "/api/v1/uploads", true), PLACEMENTS("POST", "/api/v1/uploads", true),
        COMMIT("POST", "/api/v1/uploads", true), ABORT("DELETE", "/api/v1/uploads", false),
        MANIFEST("GET", "/api/v1/manifests", false), USAGE("GET", "/api/v1/usage", false),
        SHARED("GET", "/api/v1/shared", false), ADMIN_USAGE("PUT", "/api/v1/admin/usage", true),
        REENCRYPT("POST", "/api/v1/admin/keys/reencrypt", false), REPLICATION("GET", "/api/v1/admin/replication", false),
        INVENTORY("POST", "/api/v1/nodes", true), REPLICA_REPORT("POST", "/api/v1/replicas/reports", true);

        final String method;
        final String prefix;
        final boolean json;

        Endpoint(String method, String prefix, boolean json) {
            this.method = method;
            this.prefix = prefix;
            this.json = json;
        }
    }

    final String tag = TestCalls.tag();
    final String owner = "hio-" + tag;
    final String stranger = "his-" + tag;
    final String home = "/" + owner + "/hi-" + tag;
    /** Where the owner's own hostile requests land, so that they cannot change what the outsiders' are checked against. */
    final String ownHome = "/" + owner + "/hi-" + tag + "-own";
    final byte[] content = TestCalls.random(6000, 11);

    static Arbitrary<String> hostileSegment() {
        return HostileInputs.segment();
    }

    /** A namespace path: inside the owner's private tree most of the time, sometimes anywhere. */
    Arbitrary<String> paths() {
        Arbitrary<String> inside = hostileSegment().list().ofMinSize(0).ofMaxSize(3)
                .map(parts -> home + (parts.isEmpty() ? "" : "/" + String.join("/", parts)));
        Arbitrary<String> known = Arbitraries.of(home, home + "/file.txt", home + "/sub", home + "/sub/deep.txt",
                home + "/missing.txt", home + "/file.txt/below");
        Arbitrary<String> anywhere = hostileSegment().list().ofMinSize(0).ofMaxSize(4)
                .map(parts -> "/" + String.join("/", parts));
        Arbitrary<String> long_ = Arbitraries.integers().between(1000, 6000).map(n -> home + "/" + "n/".repeat(n / 2));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, known), net.jqwik.api.Tuple.of(4, inside),
                net.jqwik.api.Tuple.of(2, anywhere), net.jqwik.api.Tuple.of(1, long_));
    }

    static Arbitrary<String> json() {
        return HostileInputs.json(List.of("path", "from", "to", "mode", "ttlSeconds", "inherit", "entries",
                "principal", "permissions", "replicationFactor", "conflictStrategy", "keepVersions", "keepDays",
                "limitBytes", "manifest", "receipts", "sha256", "chunks", "chunkId", "size", "ifMatch", "createOnly",
                "report", "x"));
    }

    Arbitrary<Map<String, String>> headers() {
        return HostileInputs.headers(List.of("If-Match", "If-None-Match", "Range", "Lock-Token", "Content-Range"));
    }

    Arbitrary<Hostile> requests() {
        return Combinators.combine(Arbitraries.of(Who.class), Arbitraries.of(Endpoint.class), paths(), paths(),
                json(), headers()).as(Hostile::new);
    }

    /** A hostile request's answer: its status and body, and how it was sent. */
    record Answer(int status, String body, String method, String rawPath) {
    }

    /** Sends it as it is ({@link HostileInputs#send}). */
    Answer send(Hostile h, String ownerToken, String strangerToken) throws Exception {
        if (h.who() == Who.OWNER) {
            h = new Hostile(h.who(), h.endpoint(), h.path().replace(home, ownHome), h.other().replace(home, ownHome),
                    h.body().replace(home, ownHome), h.headers());
        }
        String url = switch (h.endpoint()) {
            case RESTORE -> h.endpoint().prefix + h.path() + "/" + (h.body().length() % 3) + "/restore";
            case PLACEMENTS -> h.endpoint().prefix + "/" + java.util.UUID.randomUUID() + "/placements";
            case COMMIT -> h.endpoint().prefix + "/" + (h.body().length() % 2 == 0 ? java.util.UUID.randomUUID()
                    : h.path().replace("/", "")) + "/commit";
            case ABORT -> h.endpoint().prefix + "/" + java.util.UUID.randomUUID();
            case ADMIN_USAGE -> h.endpoint().prefix + "/" + owner;
            case USAGE, SHARED, REENCRYPT, REPLICATION, BEGIN, REPLICA_REPORT -> h.endpoint().prefix;
            case INVENTORY -> h.endpoint().prefix + "/" + java.util.UUID.randomUUID() + "/inventory";
            default -> h.endpoint().prefix + h.path();
        };
        String query = switch (h.endpoint()) {
            case LIST -> "?limit=" + (h.body().length() % 1200) + "&cursor=" + h.other().length();
            case MANIFEST -> "?offset=" + (h.body().length() - 10) + "&length=" + h.other().length();
            case DELETE -> h.body().length() % 2 == 0 ? "?recursive=true" : "";
            case UNLOCK -> h.body().length() % 2 == 0 ? "?break=true" : "";
            default -> "";
        };
        String body = switch (h.endpoint()) {
            case MOVE -> h.body().length() % 2 == 0 ? h.body()
                    : "{\"from\":\"" + esc(h.path()) + "\",\"to\":\"" + esc(h.other()) + "\"}";
            case BEGIN -> h.body().length() % 2 == 0 ? h.body() : "{\"path\":\"" + esc(h.path()) + "\"}";
            default -> h.body();
        };
        String token = switch (h.who()) {
            case OWNER -> ownerToken;
            case STRANGER -> strangerToken;
            case FORGED -> HostileInputs.FORGED_TOKEN;
            case ANONYMOUS -> null;
        };
        boolean sendsBody = h.endpoint() == Endpoint.PUT_FILE || h.endpoint().json;
        var answer = HostileInputs.send(MetadataTestResource.url, h.endpoint().method, url, query, token, h.headers(),
                sendsBody ? (h.endpoint() == Endpoint.PUT_FILE ? "application/octet-stream" : "application/json")
                        : null, sendsBody ? body : null);
        return new Answer(answer.status(), answer.body(), h.endpoint().method, HostileInputs.encode(url));
    }

    static String detail(Answer answer) {
        return new HostileInputs.Answer(answer.status(), answer.body()).detail();
    }

    static String esc(String s) {
        return HostileInputs.esc(s);
    }

    /** Whether the request names the owner's private tree (a stranger may do nothing there). */
    boolean touchesHome(Hostile h) {
        boolean pathIsUsed = switch (h.endpoint()) {
            case USAGE, SHARED, REENCRYPT, REPLICATION, PLACEMENTS, COMMIT, ABORT, ADMIN_USAGE, INVENTORY,
                    REPLICA_REPORT -> false;
            case BEGIN -> h.body().length() % 2 != 0;
            default -> true;
        };
        return pathIsUsed && inHome(h.path())
                || h.endpoint() == Endpoint.MOVE && h.body().length() % 2 != 0 && inHome(h.other());
    }

    /**
     * In the owner's private tree. Dot segments (plain or percent-encoded) are resolved by the
     * HTTP server before the service sees the path, so where such a path lands is not known here.
     */
    boolean inHome(String path) {
        String lower = path.toLowerCase(java.util.Locale.ROOT);
        boolean dots = ("/" + lower + "/").matches(".*/(\\.|%2e){1,2}/.*");
        return (path.equals(home) || path.startsWith(home + "/")) && !path.startsWith(ownHome) && !dots;
    }

    @Test
    void hostileRequestsNeverFailTheServiceGrantNothingToStrangersAndAreAllAudited() throws Exception {
        TestPeers.atLeast(3);
        String ownerToken = TestUsers.token(owner);
        String strangerToken = TestUsers.token(stranger);
        TestCalls.home(ownerToken, home);
        TestCalls.home(ownerToken, ownHome);
        TestCalls.upload(ownerToken, ownHome + "/file.txt", content).then().statusCode(201);
        TestCalls.upload(ownerToken, home + "/file.txt", content).then().statusCode(201);
        TestCalls.mkdirs(ownerToken, home + "/sub");
        TestCalls.upload(ownerToken, home + "/sub/deep.txt", "deep".getBytes()).then().statusCode(201);
        String aclBefore = given().auth().oauth2(ownerToken).get("/api/v1/acl" + home).then().statusCode(200)
                .extract().asString();
        Instant start = Instant.now().minusSeconds(1);

        // Sampled outside a jqwik property (the service runs under the Quarkus test extension): every
        // failure names the request that caused it.
        java.util.Iterator<Hostile> generated = requests().sampleStream().limit(REQUESTS).iterator();
        HostileInputs.Tally tally = new HostileInputs.Tally();
        List<String> strangerRefusals = new ArrayList<>();
        int anonymousRefusals = 0;
        for (int i = 0; i < REQUESTS; i++) {
            Hostile h = generated.next();
            Answer answer;
            try {
                answer = send(h, ownerToken, strangerToken);
            } catch (IllegalArgumentException unsendable) {
                tally.unsendable();
                continue;
            }
            int status = answer.status();
            tally.answered(h, status, answer.body());
            boolean outsider = h.who() != Who.OWNER;
            if (outsider && touchesHome(h) && status >= 200 && status < 300) {
                tally.fail(h.who() + " got " + status + " for " + h);
            }
            // A 404 on the owner's tree is a refusal too (the stranger may not see it), unless no route matched at all.
            if (h.who() == Who.STRANGER && (status == 401 || status == 403 || status == 404 && touchesHome(h)
                    && h.endpoint() != Endpoint.COMMIT && h.endpoint() != Endpoint.ABORT
                    && h.endpoint() != Endpoint.PLACEMENTS && !detail(answer).startsWith("No resource"))) {
                strangerRefusals.add(HostileInputs.refusal(answer.method(), answer.rawPath(), status));
            }
            if ((h.who() == Who.ANONYMOUS || h.who() == Who.FORGED) && status == 401) {
                anonymousRefusals++;
            }
            if ((h.who() == Who.ANONYMOUS || h.who() == Who.FORGED) && status != 401 && status != 400
                    && status != 404 && status != 405 && status != 415 && status != 406) {
                tally.fail("no token but " + status + " for " + h);
            }
        }
        tally.assertClean("hostile-input suite", REQUESTS, 6);

        // The owner's tree is as it was.
        assertArrayEquals(content, TestCalls.download(ownerToken, home + "/file.txt"));
        assertEquals("deep", new String(TestCalls.download(ownerToken, home + "/sub/deep.txt")));
        assertEquals(aclBefore, given().auth().oauth2(ownerToken).get("/api/v1/acl" + home).then().statusCode(200)
                .extract().asString());

        // Every refusal answered is on record: the stranger's one by one, the anonymous ones counted.
        List<String> expectedStranger = strangerRefusals;
        int expectedAnonymous = anonymousRefusals;
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertEquals(List.of(), HostileInputs.unrecorded(TestCalls.accessDenied(stranger), stranger,
                    expectedStranger), "refusals not on record");
            long anonymous = KafkaRecords.refusals(KafkaRecords.events(Topics.ACCESS, ev -> ev.path("type").asText()
                    .equals("access.denied") && ev.path("data").path("actor").isMissingNode()
                    && !Instant.parse(ev.path("time").asText()).isBefore(start)));
            assertTrue(anonymous >= expectedAnonymous, anonymous + " anonymous denials recorded for "
                    + expectedAnonymous + " refusals");
        });
    }
}
