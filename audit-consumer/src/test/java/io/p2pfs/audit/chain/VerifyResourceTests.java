package io.p2pfs.audit.chain;

import static io.p2pfs.audit.AuditEvents.awaitStored;
import static io.p2pfs.audit.AuditEvents.event;
import static io.p2pfs.audit.AuditEvents.seqOf;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.p2pfs.audit.AuditEvents;
import io.p2pfs.common.events.Topics;
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

/**
 * Verify names the first altered row and the gap a deleted row leaves. Runs on a database of its
 * own (service {@code audit_tamper}), because it breaks the chain on purpose.
 */
@QuarkusTest
@WithTestResource(value = P2pfsTestResource.class, initArgs = @ResourceArg(name = "service", value = "audit_tamper"))
class VerifyResourceTests {

    private final String auditor = TestTokens.user("verifier").roles("auditor").sign();

    @Test
    void alteredRowsAreNamedAndADeletedRowIsNamedAsAGap() {
        String tag = AuditEvents.tag();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ObjectNode e = event("file.uploaded", tag, "/" + tag + "/f" + i, "SUCCESS", Instant.now(), Map.of("i", i));
            AuditEvents.publish(Topics.FILES, tag, e);
            ids.add(AuditEvents.id(e));
        }
        awaitStored(ids);
        verify("").body("ok", equalTo(true)).body("checked", greaterThanOrEqualTo(20))
                .body("firstBrokenSeq", nullValue());

        long altered = seqOf(ids.get(7));
        AuditEvents.update("UPDATE audit_event SET canonical = replace(canonical, ?, 'mallory') WHERE seq = ?",
                tag, altered);
        verify("").body("ok", equalTo(false)).body("firstBrokenSeq", equalTo((int) altered))
                .body("problem", equalTo("hash"));
        AuditEvents.update("UPDATE audit_event SET canonical = replace(canonical, 'mallory', ?) WHERE seq = ?",
                tag, altered);
        verify("").body("ok", equalTo(true));

        AuditEvents.update("UPDATE audit_event SET actor = 'mallory' WHERE seq = ?", altered);
        verify("").body("ok", equalTo(false)).body("firstBrokenSeq", equalTo((int) altered))
                .body("problem", equalTo("column:actor"));
        AuditEvents.update("UPDATE audit_event SET actor = ? WHERE seq = ?", tag, altered);

        AuditEvents.update("UPDATE audit_event SET hash = sha256(hash) WHERE seq = ?", altered);
        verify("").body("ok", equalTo(false)).body("firstBrokenSeq", equalTo((int) altered));
        verify("?from=" + (altered + 1)).body("ok", equalTo(false)).body("firstBrokenSeq", equalTo((int) altered + 1))
                .body("problem", equalTo("link"));
        AuditEvents.update("UPDATE audit_event SET hash = sha256(prev_hash || convert_to(canonical, 'UTF8')) "
                + "WHERE seq = ?", altered);
        verify("").body("ok", equalTo(true));

        long deleted = seqOf(ids.get(12));
        AuditEvents.update("DELETE FROM audit_event WHERE seq = ?", deleted);
        verify("").body("ok", equalTo(false)).body("firstBrokenSeq", equalTo((int) deleted))
                .body("problem", equalTo("missing"));
        verify("?from=1&to=" + (deleted - 1)).body("ok", equalTo(true))
                .body("checked", equalTo((int) deleted - 1));
        verify("?from=" + (deleted + 1) + "&to=" + (deleted + 3)).body("ok", equalTo(true)).body("checked", equalTo(3));
    }

    @Test
    void onlyAuditorsAndAdminsVerifyAndBadRangesAre400() {
        given().auth().oauth2(TestTokens.user("plain").sign()).when().get("/api/v1/audit/verify").then()
                .statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(TestTokens.user("boss").roles("admin").sign()).when().get("/api/v1/audit/verify")
                .then().statusCode(200);
        for (String bad : List.of("?from=0", "?from=x", "?from=5&to=4", "?to=-1")) {
            given().auth().oauth2(auditor).when().get("/api/v1/audit/verify" + bad).then().statusCode(400)
                    .contentType("application/problem+json");
        }
    }

    private io.restassured.response.ValidatableResponse verify(String query) {
        return given().auth().oauth2(auditor).when().get("/api/v1/audit/verify" + query).then().statusCode(200);
    }
}
