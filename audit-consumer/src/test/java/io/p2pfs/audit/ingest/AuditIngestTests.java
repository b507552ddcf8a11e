package io.p2pfs.audit.ingest;

import static io.p2pfs.audit.AuditEvents.awaitStored;
import static io.p2pfs.audit.AuditEvents.event;
import static io.p2pfs.audit.AuditEvents.id;
import static io.p2pfs.audit.AuditEvents.publish;
import static io.p2pfs.audit.AuditEvents.publishRaw;
import static io.p2pfs.audit.AuditEvents.storedRows;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.p2pfs.audit.AuditEvents;
import io.p2pfs.common.events.Topics;
import io.p2pfs.testing.KafkaRecords;
import io.p2pfs.testing.P2pfsTestResource;
import io.p2pfs.testing.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Events are stored once each, malformed ones are dead-lettered, and nothing blocks a partition. */
@QuarkusTest
@WithTestResource(value = P2pfsTestResource.class, initArgs = {@ResourceArg(name = "service", value = "audit"),
        @ResourceArg(name = "restrictedRole", value = "true")})
class AuditIngestTests {

    @Inject
    AuditIngest ingest;

    @Test
    void redeliveredEventsMakeNoSecondRow() {
        String tag = AuditEvents.tag();
        String key = tag + "-key";
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            events.add(event("file.uploaded", tag, "/" + tag + "/f" + i, "SUCCESS", Instant.now(), Map.of("n", i)));
        }
        List<String> ids = events.stream().map(AuditEvents::id).toList();
        events.forEach(e -> publish(Topics.FILES, key, e));
        awaitStored(ids);

        // the same events again, twice in a row each (as a producer retry or a relay crash would)
        events.forEach(e -> {
            publish(Topics.FILES, key, e);
            publish(Topics.FILES, key, e);
        });
        ObjectNode sentinel = event("file.uploaded", tag, "/" + tag + "/sentinel", "SUCCESS", Instant.now(), Map.of());
        publish(Topics.FILES, key, sentinel);
        awaitStored(List.of(id(sentinel)));

        assertEquals(10, storedRows(ids), "each redelivered event still has exactly one row");
        assertEquals(10, AuditEvents.count("SELECT count(DISTINCT event_id) FROM audit_event WHERE actor = ? "
                + "AND resource <> ?", tag, "/" + tag + "/sentinel"));
    }

    @Test
    void eventsArrivingWhileTheDatabaseRefusesWritesAreStoredOnceItAcceptsThemAgain() throws Exception {
        String tag = AuditEvents.tag();
        String role = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("p2pfs.test.app-role", String.class);
        List<String> ids = new ArrayList<>();
        AuditEvents.update("REVOKE INSERT ON audit_event FROM " + role);
        try {
            // several polls' worth, over two topics, while every append fails
            for (int i = 0; i < 300; i++) {
                ObjectNode e = event(i % 2 == 0 ? "file.uploaded" : "lock.acquired", tag, "/" + tag + "/f" + i,
                        "SUCCESS", Instant.now(), Map.of("n", i));
                publish(i % 2 == 0 ? Topics.FILES : Topics.LOCKS, tag + (i % 7), e);
                ids.add(id(e));
            }
            Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> storedRows(ids) == 0);
        } finally {
            AuditEvents.update("GRANT INSERT ON audit_event TO " + role);
        }
        awaitStored(ids);
        assertEquals(ids.size(), AuditEvents.count("SELECT count(DISTINCT event_id) FROM audit_event WHERE actor = ?",
                tag), "every event once, none lost to the failed attempts");
        given().auth().oauth2(TestTokens.user(tag + "aud").roles("auditor").sign())
                .when().get("/api/v1/audit/verify").then().statusCode(200).body("ok", equalTo(true));
    }

    @Test
    void replayingAWholeTopicFromTheStartKeepsTheRowCount() {
        String tag = AuditEvents.tag();
        List<String> published = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ObjectNode user = event("user.registered", tag + i, "user:" + tag + i, "SUCCESS", Instant.now(), Map.of());
            publish(Topics.USERS, tag + i, user);
            published.add(id(user));
        }
        awaitStored(published);
        List<ConsumerRecord<String, String>> onTopic = KafkaRecords.all(Topics.USERS);
        Set<String> idsOnTopic = onTopic.stream().map(r -> KafkaRecords.parse(r.value()).path("id").asText())
                .collect(Collectors.toSet());
        awaitStored(idsOnTopic);
        long before = storedRows(idsOnTopic);
        long consumedBefore = ingest.consumedCount();

        ingest.replayFromStart(Topics.USERS);

        Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> ingest.consumedCount() >= consumedBefore + onTopic.size());
        assertEquals(idsOnTopic.size(), before);
        assertEquals(before, storedRows(idsOnTopic), "a replay of the whole topic adds no rows");
    }

    @Test
    void malformedEventsGoToTheDeadLetterTopicAndThePartitionKeepsFlowing() {
        String tag = AuditEvents.tag();
        String key = tag + "-same-partition";
        String time = Instant.now().toString();
        ObjectNode first = event("lock.acquired", tag, "/" + tag + "/a", "SUCCESS", Instant.now(), Map.of());
        ObjectNode second = event("lock.released", tag, "/" + tag + "/a", "SUCCESS", Instant.now(), Map.of());
        ObjectNode third = event("lock.denied", tag, "/" + tag + "/a", "DENIED", Instant.now(), Map.of());
        publish(Topics.LOCKS, key, first);
        publishRaw(Topics.LOCKS, key, "not json at all " + tag);
        publishRaw(Topics.LOCKS, key, "{\"specversion\":\"1.0\",\"type\":\"lock.acquired\",\"p2pfsschemaversion\":1,"
                + "\"time\":\"" + time + "\",\"data\":{\"actor\":\"" + tag + "\"}}");
        publish(Topics.LOCKS, key, second);
        publishRaw(Topics.LOCKS, key, "{\"specversion\":\"1.0\",\"id\":\"" + tag + "-no-type\","
                + "\"p2pfsschemaversion\":1,\"time\":\"" + time + "\"}");
        publishRaw(Topics.LOCKS, key, "{\"specversion\":\"1.0\",\"id\":\"" + tag + "-v2\",\"type\":\"lock.acquired\","
                + "\"p2pfsschemaversion\":2,\"time\":\"" + time + "\"}");
        publishRaw(Topics.LOCKS, key, "[\"" + tag + "\"]");
        publish(Topics.LOCKS, key, third);

        awaitStored(List.of(id(first), id(second), id(third)));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> deadLettered(tag).size() == 5);
        Map<String, String> reasons = deadLettered(tag).stream().collect(Collectors.toMap(
                ConsumerRecord::value, r -> header(r, "dead-letter-reason")));
        assertTrue(reasons.get("not json at all " + tag).startsWith("not JSON"), reasons.toString());
        assertTrue(reasons.containsValue("missing id"), reasons.toString());
        assertTrue(reasons.containsValue("missing type"), reasons.toString());
        assertTrue(reasons.containsValue("unknown p2pfsschemaversion: 2"), reasons.toString());
        assertTrue(reasons.containsValue("not a JSON object"), reasons.toString());
        deadLettered(tag).forEach(r -> assertEquals(Topics.LOCKS, header(r, "dead-letter-topic")));
        assertEquals(0, AuditEvents.count("SELECT count(*) FROM audit_event WHERE event_id LIKE ?", tag + "%"));

        // Metrics are for operators only.
        given().when().get("/q/metrics").then().statusCode(401);
        given().auth().oauth2(TestTokens.user(tag + "plain").sign()).when().get("/q/metrics").then().statusCode(403);
        given().auth().oauth2(TestTokens.user("prometheus").roles("metrics").sign()).when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("p2pfs_audit_events_dead_lettered_total{reason=\"missing id\"}"))
                .body(containsString("p2pfs_audit_events_stored_total"))
                .body(containsString("p2pfs_audit_consumer_lag{topic=\"p2pfs.locks\"}"));
        given().auth().oauth2(TestTokens.user(tag + "aud").roles("auditor").sign())
                .when().get("/api/v1/audit/verify").then().statusCode(200).body("ok", equalTo(true));
    }

    @Test
    void fromTheConfirmationsTopicOnlyThePeersRefusalsEnterTheLog() {
        String tag = AuditEvents.tag();
        String key = tag + "-chunk";
        ObjectNode stored = event("chunk.stored", tag, "chunk:" + tag, "SUCCESS", Instant.now(), Map.of());
        ObjectNode refused = event("access.denied", tag, "/chunks/" + tag, "DENIED", Instant.now(), Map.of("status", 403));
        ObjectNode after = event("access.denied", tag, "/chunks/" + tag + "-after", "DENIED", Instant.now(), Map.of());
        publish(Topics.CHUNK_CONFIRMATIONS, key, stored);
        publishRaw(Topics.CHUNK_CONFIRMATIONS, key, "not json " + tag);
        publish(Topics.CHUNK_CONFIRMATIONS, key, refused);
        publish(Topics.CHUNK_CONFIRMATIONS, key, after);
        awaitStored(List.of(id(refused), id(after)));
        assertEquals(0, storedRows(List.of(id(stored))), "a chunk event is the metadata service's, not the log's");
        assertEquals(List.of(), deadLettered(tag), "nothing on the confirmations topic is dead-lettered here");
    }

    private static List<ConsumerRecord<String, String>> deadLettered(String tag) {
        return KafkaRecords.all(Topics.AUDIT_DLQ).stream().filter(r -> r.value() != null && r.value().contains(tag))
                .toList();
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
