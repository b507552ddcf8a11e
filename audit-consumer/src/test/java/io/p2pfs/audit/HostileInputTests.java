package io.p2pfs.audit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.p2pfs.common.events.Topics;
import io.p2pfs.testing.HostileInputs;
import io.p2pfs.testing.KafkaRecords;
import io.p2pfs.testing.P2pfsTestResource;
import io.p2pfs.testing.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Random hostile requests over every endpoint of the audit service (jqwik arbitraries): odd
 * filters, cursors, ids, tree sizes and formats, from a user, an auditor, an anonymous caller and
 * a forged token. Whatever comes, the service never answers 5xx, shows a user nothing of anyone
 * else (not in a page, an export or a proof), signs and verifies only for auditors, leaves the log
 * verifiable, and records every refusal it answers.
 */
@QuarkusTest
@WithTestResource(value = P2pfsTestResource.class, initArgs = {@ResourceArg(name = "service", value = "audit"),
        @ResourceArg(name = "restrictedRole", value = "true")})
class HostileInputTests {

    static final int REQUESTS = 600;

    enum Who { USER, AUDITOR, ANONYMOUS, FORGED }

    enum Endpoint {
        SEARCH("GET", "/api/v1/audit"), EXPORT("GET", "/api/v1/audit/export"), VERIFY("GET", "/api/v1/audit/verify"),
        TREE_HEAD("GET", "/api/v1/audit/tree-head"), SIGN("POST", "/api/v1/audit/tree-heads"),
        SIGNING_KEYS("GET", "/api/v1/audit/signing-keys"), INCLUSION("GET", "/api/v1/audit/proofs/inclusion"),
        CONSISTENCY("GET", "/api/v1/audit/proofs/consistency");

        final String method;
        final String path;

        Endpoint(String method, String path) {
            this.method = method;
            this.path = path;
        }
    }

    record Hostile(Who who, Endpoint endpoint, Map<String, String> params) {
    }

    @TestHTTPResource("/")
    URL base;

    final String tag = AuditEvents.tag();
    final String user = tag + "hau";
    final String victim = tag + "hav";
    final List<String> victimEvents = new ArrayList<>();
    final List<String> ownEvents = new ArrayList<>();

    Arbitrary<String> values() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, HostileInputs.segment()),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(victim, user, "/" + tag, "/" + tag + "/v", "DENIED", "SUCCESS",
                        "file.uploaded", "ndjson", "csv", "xml", "1", "0", "-1", "500", "501", "9223372036854775807",
                        "2021-03-01T00:00:00Z", "yesterday", "bm9wZQ", "***", "%", "a&limit=500")),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(victimEvents)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(ownEvents)));
    }

    Arbitrary<Map<String, String>> params() {
        return Arbitraries.maps(Arbitraries.of("q", "actor", "action", "path", "outcome", "from", "to", "limit",
                "cursor", "format", "eventId", "treeSize", "x"), values()).ofMaxSize(4);
    }

    Arbitrary<Hostile> requests() {
        return Combinators.combine(Arbitraries.of(Who.class), Arbitraries.of(Endpoint.class), params())
                .as(Hostile::new);
    }

    static String query(Map<String, String> params) {
        StringBuilder out = new StringBuilder();
        params.forEach((key, value) -> out.append(out.isEmpty() ? "?" : "&").append(key).append('=')
                .append(HostileInputs.encode(value).replace("&", "%26").replace("/", "%2F")));
        return out.toString();
    }

    void seed() {
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ObjectNode theirs = AuditEvents.event("file.uploaded", victim, "/" + tag + "/v/" + i, "SUCCESS",
                    Instant.parse("2021-03-01T00:00:00Z").plusSeconds(i), Map.of("path", "/" + tag + "/v/" + i));
            ObjectNode mine = AuditEvents.event("file.uploaded", user, "/" + tag + "/u/" + i, "SUCCESS",
                    Instant.parse("2021-03-01T00:00:00Z").plusSeconds(i), Map.of("path", "/" + tag + "/u/" + i));
            events.add(theirs);
            events.add(mine);
            victimEvents.add(AuditEvents.id(theirs));
            ownEvents.add(AuditEvents.id(mine));
        }
        AuditEvents.publishAll(Topics.FILES, events);
        AuditEvents.awaitStored(events.stream().map(AuditEvents::id).toList());
    }

    @Test
    void hostileRequestsNeverFailTheServiceShowNobodyAnothersEventsAndAreAllAudited() throws Exception {
        seed();
        String auditor = TestTokens.user(tag + "haa").roles("auditor").sign();
        given().auth().oauth2(auditor).post("/api/v1/audit/tree-heads").then().statusCode(201);
        String userToken = TestTokens.user(user).sign();
        Instant start = Instant.now().minusSeconds(1);

        java.util.Iterator<Hostile> generated = requests().sampleStream().limit(REQUESTS).iterator();
        HostileInputs.Tally tally = new HostileInputs.Tally();
        List<String> refusals = new ArrayList<>();
        int anonymous = 0;
        String base = this.base.toString().replaceAll("/$", "");
        for (int i = 0; i < REQUESTS; i++) {
            Hostile h = generated.next();
            String token = switch (h.who()) {
                case USER -> userToken;
                case AUDITOR -> auditor;
                case FORGED -> HostileInputs.FORGED_TOKEN;
                case ANONYMOUS -> null;
            };
            String query = query(h.params());
            HostileInputs.Answer answer;
            try {
                answer = HostileInputs.send(base, h.endpoint().method, h.endpoint().path, query, token,
                        Map.of(), null, null);
            } catch (IllegalArgumentException unsendable) {
                tally.unsendable();
                continue;
            }
            int status = answer.status();
            tally.answered(h, status, answer.body());
            boolean ok = status >= 200 && status < 300;
            if (ok && h.who() != Who.AUDITOR && (h.endpoint() == Endpoint.VERIFY || h.endpoint() == Endpoint.SIGN)) {
                tally.fail(h.who() + " got " + status + " for " + h);
            }
            if (ok && (h.who() == Who.ANONYMOUS || h.who() == Who.FORGED) && h.endpoint() != Endpoint.SIGNING_KEYS) {
                tally.fail("no token but " + status + " for " + h);
            }
            if (ok && h.who() == Who.USER) {
                String leak = leak(h, answer);
                if (leak != null) {
                    tally.fail("the user saw " + leak + " for " + h);
                }
            }
            if (h.who() == Who.USER && (status == 401 || status == 403)) {
                refusals.add(HostileInputs.refusal(h.endpoint().method, h.endpoint().path, status));
            }
            if ((h.who() == Who.ANONYMOUS || h.who() == Who.FORGED) && status == 401) {
                anonymous++;
            }
        }
        tally.assertClean("audit hostile-input suite", REQUESTS, 5);
        given().auth().oauth2(auditor).get("/api/v1/audit/verify").then().statusCode(200)
                .body("ok", org.hamcrest.Matchers.equalTo(true));

        int expectedAnonymous = anonymous;
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<JsonNode> denied = KafkaRecords.events(Topics.ACCESS, ev -> ev.path("type").asText()
                    .equals("access.denied") && !Instant.parse(ev.path("time").asText()).isBefore(start));
            assertEquals(List.of(), HostileInputs.unrecorded(denied, user, refusals).stream().limit(20).toList(),
                    "refusals not on record");
            long counted = KafkaRecords.refusals(denied.stream().filter(ev -> ev.path("data").path("actor")
                    .isMissingNode()).toList());
            assertTrue(counted >= expectedAnonymous, counted + " anonymous denials recorded for " + expectedAnonymous);
        });
    }

    /** What of another's a user's answer shows, or null: an event of another actor, a proof of one. */
    String leak(Hostile h, HostileInputs.Answer answer) throws Exception {
        switch (h.endpoint()) {
            case SEARCH -> {
                for (JsonNode item : KafkaRecords.parse(answer.body()).path("items")) {
                    if (!user.equals(item.path("actor").asText())) {
                        return "an event of " + item.path("actor").asText();
                    }
                }
            }
            case EXPORT -> {
                for (String line : answer.body().split("\n")) {
                    if (line.contains(victim) || victimEvents.stream().anyMatch(line::contains)) {
                        return "an exported line of the victim: " + line;
                    }
                    if (line.startsWith("{")) {
                        String actor = KafkaRecords.parse(line).path("event").path("data").path("actor").asText();
                        if (!user.equals(actor)) {
                            return "an exported event of " + actor;
                        }
                    }
                }
            }
            case INCLUSION -> {
                String eventId = h.params().getOrDefault("eventId", "");
                if (!ownEvents.contains(eventId)) {
                    return "a proof for " + eventId;
                }
            }
            default -> {
            }
        }
        return null;
    }
}
