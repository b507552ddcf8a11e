package io.p2pfs.tracker;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.common.chunks.NodeProofs;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.keys.EcJwk;
import io.p2pfs.testing.HostileInputs;
import io.p2pfs.testing.KafkaRecords;
import io.p2pfs.testing.P2pfsTestResource;
import io.p2pfs.testing.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URL;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Random hostile requests over every endpoint of the tracker (jqwik arbitraries): odd ids and
 * URLs, wrong JSON, forged and missing proofs, from a user, a storage node, an anonymous caller
 * and a forged token. Whatever comes, the tracker never answers 5xx, changes nothing only an
 * admin or the node itself may change (a victim node and a victim user stay exactly as they
 * were), and records every refusal it answers.
 */
@QuarkusTest
@WithTestResource(value = P2pfsTestResource.class, initArgs = @ResourceArg(name = "service", value = "tracker"))
class HostileInputTests {

    static final int REQUESTS = 800;

    enum Who { USER, NODE, ANONYMOUS, FORGED }

    enum Endpoint {
        REGISTER_USER("POST", false, true), ASSIGN_USER("PUT", true, true), ME("GET", false, false),
        USER("GET", false, false), REGISTER_NODE("POST", false, true), HEARTBEAT("PUT", false, true),
        NODES("GET", false, false), NODE("GET", false, false), DRAIN("DELETE", true, false),
        QUARANTINE("PUT", true, true), RELEASE("DELETE", true, false);

        final String method;
        final boolean adminOnly;
        final boolean json;

        Endpoint(String method, boolean adminOnly, boolean json) {
            this.method = method;
            this.adminOnly = adminOnly;
            this.json = json;
        }
    }

    record Hostile(Who who, Endpoint endpoint, String id, String body, String state) {
    }

    @TestHTTPResource("/")
    URL base;

    final String tag = UUID.randomUUID().toString().substring(0, 8);
    final String user = "htu-" + tag;
    final String victimUser = "htv-" + tag;
    final String victimUrl = "https://victim-" + tag + ".test:8451";
    final KeyPair victimKey = p256();
    String victimNode;

    static KeyPair p256() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    Arbitrary<String> ids() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just("victim-node")),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(victimUser, user, "me", UUID.randomUUID().toString())),
                net.jqwik.api.Tuple.of(4, HostileInputs.segment()));
    }

    Arbitrary<String> bodies() {
        Map<String, Object> key = EcJwk.publicJwk((ECPublicKey) p256().getPublic());
        String stolenProof = NodeProofs.sign(NodeProofs.HEARTBEAT, UUID.randomUUID().toString(), Instant.now(),
                p256().getPrivate(), "x");
        Arbitrary<String> nodeLike = Arbitraries.of(
                "{\"url\":\"" + victimUrl + "\",\"capacityBytes\":1,\"zone\":\"z1\",\"publicKey\":"
                        + json(key) + ",\"proof\":\"" + stolenProof + "\"}",
                "{\"usedBytes\":1,\"chunkCount\":1,\"proof\":\"" + stolenProof + "\"}",
                "{\"subject\":\"" + UUID.randomUUID() + "\",\"login\":\"" + victimUser + "\"}",
                "{\"userId\":\"" + victimUser + "\"}", "{\"reason\":\"because\"}");
        return Arbitraries.oneOf(nodeLike, HostileInputs.json(List.of("url", "capacityBytes", "zone", "publicKey",
                "proof", "usedBytes", "chunkCount", "userId", "subject", "login", "reason", "kty", "crv", "x", "y",
                "d")));
    }

    static String json(Object value) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    Arbitrary<Hostile> requests() {
        return Combinators.combine(Arbitraries.of(Who.class), Arbitraries.of(Endpoint.class), ids(), bodies(),
                Arbitraries.oneOf(Arbitraries.of("", "UP", "quarantined", "REMOVED"), HostileInputs.segment()))
                .as(Hostile::new);
    }

    String url(Hostile h) {
        String id = h.id().equals("victim-node") ? victimNode : h.id();
        return switch (h.endpoint()) {
            case REGISTER_USER -> "/api/v1/users";
            case ASSIGN_USER, USER -> "/api/v1/users/" + id;
            case ME -> "/api/v1/users/me";
            case REGISTER_NODE, NODES -> "/api/v1/nodes";
            case HEARTBEAT -> "/api/v1/nodes/" + id + "/heartbeat";
            case NODE, DRAIN -> "/api/v1/nodes/" + id;
            case QUARANTINE, RELEASE -> "/api/v1/nodes/" + id + "/quarantine";
        };
    }

    @Test
    void hostileRequestsNeverFailTheTrackerChangeNothingTheyMayNotAndAreAllAudited() throws Exception {
        String node = TestTokens.node().sign();
        String userToken = TestTokens.user(user).sign();
        given().auth().oauth2(TestTokens.user(victimUser).sign()).contentType(ContentType.JSON).body("{}")
                .post("/api/v1/users").then().statusCode(201);
        Map<String, Object> registration = new HashMap<>();
        registration.put("url", victimUrl);
        registration.put("capacityBytes", 1_000_000L);
        registration.put("zone", "z1");
        registration.put("publicKey", EcJwk.publicJwk((ECPublicKey) victimKey.getPublic()));
        registration.put("proof", NodeProofs.sign(NodeProofs.REGISTER, victimUrl, Instant.now(),
                victimKey.getPrivate(), "victim"));
        victimNode = given().auth().oauth2(node).contentType(ContentType.JSON).body(registration)
                .post("/api/v1/nodes").then().statusCode(201).extract().path("nodeId");
        String admin = TestTokens.user("hta-" + tag).roles("admin").sign();
        String victimNodeBefore = given().auth().oauth2(admin).get("/api/v1/nodes/" + victimNode).then().statusCode(200)
                .extract().jsonPath().prettify();
        String victimUserBefore = given().auth().oauth2(admin).get("/api/v1/users/" + victimUser).then()
                .statusCode(200).extract().asString();
        Instant start = Instant.now().minusSeconds(1);

        java.util.Iterator<Hostile> generated = requests().sampleStream().limit(REQUESTS).iterator();
        HostileInputs.Tally tally = new HostileInputs.Tally();
        Map<String, List<String>> refusals = Map.of(user, new ArrayList<>(), "service-account-p2pfs-node",
                new ArrayList<>());
        int anonymous = 0;
        String base = this.base.toString().replaceAll("/$", "");
        for (int i = 0; i < REQUESTS; i++) {
            Hostile h = generated.next();
            String url = url(h);
            String query = h.endpoint() == Endpoint.NODES && !h.state().isEmpty() ? "?state="
                    + HostileInputs.encode(h.state()).replace("/", "%2F") : "";
            String token = switch (h.who()) {
                case USER -> userToken;
                case NODE -> node;
                case FORGED -> HostileInputs.FORGED_TOKEN;
                case ANONYMOUS -> null;
            };
            HostileInputs.Answer answer;
            try {
                answer = HostileInputs.send(base, h.endpoint().method, url, query, token, Map.of(),
                        h.endpoint().json ? "application/json" : null, h.endpoint().json ? h.body() : null);
            } catch (IllegalArgumentException unsendable) {
                tally.unsendable();
                continue;
            }
            int status = answer.status();
            tally.answered(h, status, answer.body());
            boolean ok = status >= 200 && status < 300;
            if (ok && (h.endpoint().adminOnly || h.endpoint() == Endpoint.HEARTBEAT
                    || h.endpoint() == Endpoint.REGISTER_NODE)) {
                tally.fail(h.who() + " got " + status + " for " + h);
            }
            if (ok && h.endpoint() == Endpoint.REGISTER_USER && h.who() != Who.USER) {
                tally.fail(h.who() + " registered a user: " + h);
            }
            if (ok && (h.who() == Who.ANONYMOUS || h.who() == Who.FORGED)) {
                tally.fail("no token but " + status + " for " + h);
            }
            if ((status == 401 || status == 403) && (h.who() == Who.USER || h.who() == Who.NODE)) {
                refusals.get(h.who() == Who.USER ? user : "service-account-p2pfs-node")
                        .add(HostileInputs.refusal(h.endpoint().method, HostileInputs.encode(url), status));
            }
            if ((h.who() == Who.ANONYMOUS || h.who() == Who.FORGED) && status == 401) {
                anonymous++;
            }
        }
        tally.assertClean("tracker hostile-input suite", REQUESTS, 5);

        // The victims are as they were (a node's state follows its heartbeats, which stopped).
        JsonNode nodeAfter = KafkaRecords.parse(given().auth().oauth2(admin).get("/api/v1/nodes/" + victimNode).then()
                .statusCode(200).extract().asString());
        JsonNode nodeBefore = KafkaRecords.parse(victimNodeBefore);
        for (String field : List.of("url", "zone", "capacityBytes", "publicKey", "registeredAt")) {
            assertEquals(nodeBefore.path(field), nodeAfter.path(field), field + " of the victim node");
        }
        assertTrue(List.of("UP", "DOWN").contains(nodeAfter.path("state").asText()), nodeAfter.toString());
        assertEquals(victimUserBefore, given().auth().oauth2(admin).get("/api/v1/users/" + victimUser).then()
                .statusCode(200).extract().asString());

        int expectedAnonymous = anonymous;
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<JsonNode> denied = KafkaRecords.events(Topics.ACCESS, ev -> ev.path("type").asText()
                    .equals("access.denied") && !Instant.parse(ev.path("time").asText()).isBefore(start));
            for (var expected : refusals.entrySet()) {
                assertEquals(List.of(), HostileInputs.unrecorded(denied, expected.getKey(), expected.getValue())
                        .stream().limit(20).toList(), "refusals of " + expected.getKey() + " not on record");
            }
            long counted = KafkaRecords.refusals(denied.stream().filter(ev -> ev.path("data").path("actor")
                    .isMissingNode()).toList());
            assertTrue(counted >= expectedAnonymous, counted + " anonymous denials recorded for " + expectedAnonymous);
        });
    }
}
