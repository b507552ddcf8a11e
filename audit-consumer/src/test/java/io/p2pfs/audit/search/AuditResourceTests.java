package io.p2pfs.audit.search;

import static io.p2pfs.audit.AuditEvents.awaitStored;
import static io.p2pfs.audit.AuditEvents.event;
import static io.p2pfs.audit.AuditEvents.id;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.p2pfs.audit.AuditEvents;
import io.p2pfs.common.events.Topics;
import io.p2pfs.testing.P2pfsTestResource;
import io.p2pfs.testing.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Search: text, every filter alone and combined, scope by role, stable cursor paging. */
@QuarkusTest
@WithTestResource(value = P2pfsTestResource.class, initArgs = {@ResourceArg(name = "service", value = "audit"),
        @ResourceArg(name = "restrictedRole", value = "true")})
class AuditResourceTests {

    private static final Instant BASE = Instant.parse("2021-03-01T00:00:00Z");

    private String tag;
    private String alice;
    private String bob;
    private String auditor;
    private final Map<String, String> ids = new LinkedHashMap<>();

    /** A small world: alice and bob act on files under /<tag>/, one hour apart. */
    @BeforeEach
    void publishWorld() {
        tag = AuditEvents.tag();
        alice = tag + "alice";
        bob = tag + "bob";
        auditor = TestTokens.user(tag + "auditor").roles("auditor").sign();
        add("upload", Topics.FILES, event("file.uploaded", alice, "/" + tag + "/docs/a.txt", "SUCCESS",
                BASE.plusSeconds(3600), Map.of("path", "/" + tag + "/docs/a.txt", "note", "quarterly budget")));
        add("nested", Topics.FILES, event("file.uploaded", alice, "/" + tag + "/docs/sub/b.txt", "SUCCESS",
                BASE.plusSeconds(7200), Map.of("size", 42)));
        add("sibling", Topics.FILES, event("file.deleted", bob, "/" + tag + "/docsx/c.txt", "SUCCESS",
                BASE.plusSeconds(10800), Map.of("note", "cleanup")));
        add("denied", Topics.ACCESS, event("access.denied", bob, "/" + tag + "/docs/a.txt", "DENIED",
                BASE.plusSeconds(14400), Map.of("reason", "no DOWNLOAD grant")));
        add("lock", Topics.LOCKS, event("lock.acquired", alice, "/" + tag + "/docs", "SUCCESS",
                BASE.plusSeconds(18000), Map.of("mode", "EXCLUSIVE")));
        add("node", Topics.NODES, event("node.down", bob, "node:" + tag, "FAILED", BASE.plusSeconds(21600),
                Map.of("note", "over budget")));
        awaitStored(ids.values());
    }

    private void add(String name, String topic, ObjectNode event) {
        AuditEvents.publish(topic, event.path("subject").asText(), event);
        ids.put(name, id(event));
    }

    @Test
    void freeTextFindsWordsInDetailsActorAndResource() {
        assertEquals(names("upload", "node"), found(auditor, "q", tag + " budget"));
        assertEquals(names("upload"), found(auditor, "q", "quarterly " + tag));
        assertEquals(names("denied"), found(auditor, "q", tag + " DOWNLOAD grant"));
        assertEquals(names("upload", "nested", "lock"), found(auditor, "q", alice));
        assertEquals(names("sibling"), found(auditor, "q", "docsx " + tag));
    }

    @Test
    void eachFilterAloneAndCombined() {
        assertEquals(names("upload", "nested", "lock"), found(auditor, "actor", alice));
        assertEquals(names("upload", "nested"), found(auditor, "actor", alice, "action", "file.uploaded"));
        assertEquals(names("denied"), found(auditor, "actor", bob, "outcome", "DENIED"));
        assertEquals(names("denied"), found(auditor, "q", tag, "outcome", "denied"));
        assertEquals(names("node"), found(auditor, "q", tag, "outcome", "FAILED"));
        assertEquals(names("sibling"), found(auditor, "q", tag, "action", "file.deleted"));
        assertEquals(names(), found(auditor, "actor", alice, "action", "file.deleted"));
    }

    @Test
    void pathMatchesItselfAndEverythingBelowButNotSiblingsWithTheSamePrefix() {
        assertEquals(names("upload", "nested", "denied", "lock"), found(auditor, "path", "/" + tag + "/docs"));
        assertEquals(names("upload", "nested", "denied", "lock"), found(auditor, "path", "/" + tag + "/docs/"));
        assertEquals(names("nested"), found(auditor, "path", "/" + tag + "/docs/sub"));
        assertEquals(names("upload", "denied"), found(auditor, "path", "/" + tag + "/docs/a.txt"));
        assertEquals(names("sibling"), found(auditor, "path", "/" + tag + "/docsx"));
        assertEquals(names("upload", "nested", "lock"), found(auditor, "path", "/" + tag + "/docs", "actor", alice));
    }

    @Test
    void timeRangeIsFromInclusiveToExclusive() {
        assertEquals(names("nested", "sibling"), found(auditor, "q", tag, "from", BASE.plusSeconds(7200).toString(),
                "to", BASE.plusSeconds(14400).toString()));
        assertEquals(names("node"), found(auditor, "q", tag, "from", "2021-03-01T06:00:00+00:00"));
        assertEquals(names("upload"), found(auditor, "q", tag, "to", "2021-03-01T02:00:00Z"));
    }

    @Test
    void resultsAreNewestFirst() {
        JsonPath page = page(auditor, Map.of("q", tag, "limit", "50"));
        List<Long> seqs = page.getList("items.seq", Long.class);
        List<Long> sorted = new ArrayList<>(seqs);
        sorted.sort((a, b) -> Long.compare(b, a));
        assertEquals(sorted, seqs);
        assertTrue(seqs.size() >= ids.size());
        long newest = AuditEvents.count("SELECT max(seq) FROM audit_event WHERE event_id = ANY(?)",
                (Object) ids.values().toArray(new String[0]));
        assertTrue(seqs.get(0) >= newest);
    }

    @Test
    void someoneWhoIsNotAnAuditorSeesOnlyTheirOwnEvents() {
        String bobToken = TestTokens.user(bob).sign();
        assertEquals(names("sibling", "denied", "node"), found(bobToken, "q", tag));
        assertEquals(names("sibling", "denied", "node"), found(bobToken));
        assertEquals(names(), found(bobToken, "actor", alice));
        assertEquals(names(), found(bobToken, "path", "/" + tag + "/docs/sub"));
        String admin = TestTokens.user(tag + "admin").roles("admin").sign();
        assertEquals(names("upload", "nested", "lock"), found(admin, "actor", alice));
    }

    @Test
    void everySearchByAnAuditorIsItselfAudited() {
        String login = tag + "watcher";
        String watcher = TestTokens.user(login).roles("auditor").sign();
        found(watcher, "q", tag + " budget", "outcome", "SUCCESS");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> AuditEvents.count(
                "SELECT count(*) FROM audit_event WHERE actor = ? AND action = 'audit.searched' AND canonical LIKE ?",
                login, "%budget%") == 1);
        String searched = page(auditor, Map.of("actor", login, "action", "audit.searched")).getString(
                "items[0].event.data.details.outcome");
        assertEquals("SUCCESS", searched);
        // a user's search of their own events is not an audit event
        found(TestTokens.user(bob).sign(), "q", tag);
        assertEquals(0, AuditEvents.count("SELECT count(*) FROM audit_event WHERE actor = ?", bob + "x"));
    }

    @Test
    void cursorPagingAcrossAThousandEventsWithInsertsInBetweenHasNoDuplicatesAndNoGaps() {
        String pager = tag + "pager";
        List<ObjectNode> batch = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            batch.add(event("file.downloaded", pager, "/" + tag + "/many/f" + i, "SUCCESS",
                    BASE.plusSeconds(i), Map.of("i", i)));
        }
        AuditEvents.publishAll(Topics.ACCESS, batch);
        Set<String> expected = new HashSet<>(batch.stream().map(AuditEvents::id).toList());
        awaitStored(expected);

        List<String> seen = new ArrayList<>();
        long lastSeq = Long.MAX_VALUE;
        String cursor = null;
        int pages = 0;
        do {
            Map<String, String> params = new LinkedHashMap<>(Map.of("actor", pager, "limit", "70"));
            if (cursor != null) {
                params.put("cursor", cursor);
            }
            JsonPath page = page(auditor, params);
            for (Long seq : page.getList("items.seq", Long.class)) {
                assertTrue(seq < lastSeq, "strictly newest first across pages");
                lastSeq = seq;
            }
            seen.addAll(page.getList("items.id", String.class));
            cursor = page.getString("nextCursor");
            pages++;
            // new events arrive between page requests
            List<ObjectNode> newer = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                newer.add(event("file.downloaded", pager, "/" + tag + "/late/" + pages + "-" + i, "SUCCESS",
                        Instant.now(), Map.of()));
            }
            AuditEvents.publishAll(Topics.ACCESS, newer);
            awaitStored(newer.stream().map(AuditEvents::id).toList());
        } while (cursor != null);

        assertEquals(15, pages);
        assertEquals(1000, seen.size(), "no duplicates, no gaps");
        assertEquals(expected, new HashSet<>(seen));
    }

    @Test
    void withoutATokenEveryEndpointAnswers401() {
        for (String path : List.of("/api/v1/audit", "/api/v1/audit/verify", "/api/v1/audit/export",
                "/api/v1/audit/tree-head", "/api/v1/audit/proofs/inclusion?eventId=x",
                "/api/v1/audit/proofs/consistency?from=1&to=1")) {
            given().when().get(path).then().statusCode(401).contentType("application/problem+json");
        }
        given().when().post("/api/v1/audit/tree-heads").then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(TestTokens.user(tag).expired().sign()).when().get("/api/v1/audit").then()
                .statusCode(401);
    }

    @Test
    void aUserSeesTheEventsOfTheIdTheirSubjectRegisteredNotOfTheNameOnTheirToken() {
        // An admin registered login <tag>lia under the id <tag>ops (the tracker's user.registered).
        String lia = tag + "lia";
        String ops = tag + "ops";
        String liaSubject = java.util.UUID.nameUUIDFromBytes(lia.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
        add("registered", Topics.USERS, event("user.registered", "root", "user:" + ops, "SUCCESS",
                BASE.plusSeconds(30000), Map.of("userId", ops, "login", lia, "subject", liaSubject,
                        "assignedBy", "root")));
        add("asOps", Topics.FILES, event("file.uploaded", ops, "/" + tag + "/ops/x.bin", "SUCCESS",
                BASE.plusSeconds(30001), Map.of("size", 1)));
        add("asLia", Topics.FILES, event("file.uploaded", lia, "/" + tag + "/lia/y.bin", "SUCCESS",
                BASE.plusSeconds(30002), Map.of("size", 2)));
        awaitStored(ids.values());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> AuditEvents.count(
                "SELECT count(*) FROM audit_user WHERE subject = ? AND user_id = ?", liaSubject, ops) == 1);

        // lia's token says "<tag>lia"; her events are those of her id, <tag>ops.
        String liaToken = TestTokens.user(lia).sign();
        assertEquals(names("asOps"), found(liaToken, "q", tag + " ops"));
        assertEquals(names(), found(liaToken, "q", tag + " lia"));
        assertEquals(names("asOps"), found(liaToken, "actor", ops));
        // Someone else whose login is <tag>ops (another subject) is not <tag>ops here: refused, and audited.
        String impostor = TestTokens.user(ops).sign();
        given().auth().oauth2(impostor).when().get("/api/v1/audit").then().statusCode(403)
                .contentType("application/problem+json");
        given().auth().oauth2(impostor).when().get("/api/v1/audit/export").then().statusCode(403)
                .contentType("application/problem+json");
        given().auth().oauth2(impostor).when().get("/api/v1/audit/proofs/inclusion?eventId=" + ids.get("asOps"))
                .then().statusCode(403);
        // An auditor's own search is recorded under the id the subject registered, with the subject.
        String auditingLia = TestTokens.user(lia).roles("auditor").sign();
        found(auditingLia, "q", tag + " budget");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> AuditEvents.count(
                "SELECT count(*) FROM audit_event WHERE actor = ? AND action = 'audit.searched' "
                        + "AND canonical LIKE ?", ops, "%" + liaSubject + "%") == 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=0", "limit=501", "limit=ten", "outcome=MAYBE", "from=yesterday",
            "to=2021-13-01T00:00:00Z", "from=2021-03-02T00:00:00Z&to=2021-03-01T00:00:00Z", "cursor=bm9wZQ",
            "cursor=***", "path=relative/path", "path=/a/../b", "q=%21%21%21"})
    void badParametersAre400ProblemJson(String query) {
        given().auth().oauth2(auditor).urlEncodingEnabled(false).when().get("/api/v1/audit?" + query).then()
                .statusCode(400).contentType("application/problem+json").body("status", equalTo(400));
    }

    @Test
    void lastPageHasNoCursor() {
        JsonPath page = page(auditor, Map.of("actor", alice, "limit", "3"));
        assertEquals(3, page.getList("items").size());
        assertNull(page.getString("nextCursor"));
    }

    private Set<String> names(String... names) {
        Set<String> set = new HashSet<>();
        for (String name : names) {
            set.add(ids.get(name));
        }
        return set;
    }

    /** The ids found, ignoring the audit log's own audit.searched events. */
    private Set<String> found(String token, String... params) {
        Map<String, String> query = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            query.put(params[i], params[i + 1]);
        }
        query.put("limit", "500");
        JsonPath page = page(token, query);
        Set<String> found = new HashSet<>();
        List<String> actions = page.getList("items.action", String.class);
        List<String> foundIds = page.getList("items.id", String.class);
        for (int i = 0; i < foundIds.size(); i++) {
            if (!actions.get(i).startsWith("audit.")) {
                found.add(foundIds.get(i));
            }
        }
        return found;
    }

    private static JsonPath page(String token, Map<String, String> params) {
        return given().auth().oauth2(token).queryParams(params).when().get("/api/v1/audit").then().statusCode(200)
                .extract().jsonPath();
    }
}
