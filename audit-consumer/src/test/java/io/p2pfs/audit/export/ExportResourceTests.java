package io.p2pfs.audit.export;

import static io.p2pfs.audit.AuditEvents.awaitStored;
import static io.p2pfs.audit.AuditEvents.event;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.p2pfs.audit.AuditEvents;
import io.p2pfs.common.events.Topics;
import io.p2pfs.testing.KafkaRecords;
import io.p2pfs.testing.P2pfsTestResource;
import io.p2pfs.testing.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Export streams ndjson or csv with the filters and scope of search. */
@QuarkusTest
@WithTestResource(value = P2pfsTestResource.class, initArgs = {@ResourceArg(name = "service", value = "audit"),
        @ResourceArg(name = "restrictedRole", value = "true")})
class ExportResourceTests {

    @Test
    void ndjsonAndCsvHoldEveryMatchingEventNewestFirst() {
        String tag = AuditEvents.tag();
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            events.add(event("file.uploaded", tag, "/" + tag + "/f" + i, "SUCCESS", Instant.now(),
                    Map.of("note", i % 2 == 0 ? "=cmd|' /C calc'!A0" : "plain, \"quoted\"")));
        }
        AuditEvents.publishAll(Topics.FILES, events);
        awaitStored(events.stream().map(AuditEvents::id).toList());
        String auditor = TestTokens.user(tag + "aud").roles("auditor").sign();

        String ndjson = given().auth().oauth2(auditor).queryParam("format", "ndjson").queryParam("actor", tag)
                .when().get("/api/v1/audit/export").then().statusCode(200)
                .contentType(startsWith("application/x-ndjson")).extract().asString();
        String[] lines = ndjson.split("\n");
        assertEquals(1200, lines.length);
        long previous = Long.MAX_VALUE;
        for (String line : lines) {
            JsonNode record = KafkaRecords.parse(line);
            assertTrue(record.path("seq").asLong() < previous);
            previous = record.path("seq").asLong();
            assertEquals(tag, record.path("event").path("data").path("actor").asText());
            assertEquals(64, record.path("hash").asText().length());
        }

        String csv = given().auth().oauth2(auditor).queryParam("format", "csv").queryParam("actor", tag)
                .when().get("/api/v1/audit/export").then().statusCode(200).contentType(startsWith("text/csv"))
                .extract().asString();
        String[] rows = csv.split("\r\n");
        assertEquals(1201, rows.length);
        assertEquals("seq,id,type,time,actor,action,resource,path,outcome,hash,event", rows[0]);
        for (int i = 1; i < rows.length; i++) {
            assertTrue(rows[i].contains(",\"{\"\"data\"\":{\"\"action\"\":"), "event cell quoted: " + rows[i]);
        }
        assertEquals("'=cmd|' /C calc'!A0", ExportFormat.csvCell("=cmd|' /C calc'!A0"));
        assertEquals("\"a,\"\"b\"\"\"", ExportFormat.csvCell("a,\"b\""));
    }

    @Test
    void someoneWhoIsNotAnAuditorExportsOnlyTheirOwnEvents() {
        String tag = AuditEvents.tag();
        ObjectNode mine = event("file.uploaded", tag + "me", "/" + tag + "/m", "SUCCESS", Instant.now(), Map.of());
        ObjectNode theirs = event("file.uploaded", tag + "them", "/" + tag + "/t", "SUCCESS", Instant.now(), Map.of());
        AuditEvents.publishAll(Topics.FILES, List.of(mine, theirs));
        awaitStored(List.of(AuditEvents.id(mine), AuditEvents.id(theirs)));
        String body = given().auth().oauth2(TestTokens.user(tag + "me").sign()).queryParam("format", "ndjson")
                .when().get("/api/v1/audit/export").then().statusCode(200).extract().asString();
        assertTrue(body.contains(AuditEvents.id(mine)));
        assertTrue(!body.contains(AuditEvents.id(theirs)));
    }

    @Test
    void unknownFormatIs400() {
        given().auth().oauth2(TestTokens.user("x").roles("auditor").sign()).queryParam("format", "xml")
                .when().get("/api/v1/audit/export").then().statusCode(400).contentType("application/problem+json");
    }
}
