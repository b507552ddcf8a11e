package io.p2pfs.audit.log;

import static io.p2pfs.audit.log.LogFixture.append;
import static io.p2pfs.audit.log.LogFixture.export;
import static io.p2pfs.audit.log.LogFixture.file;
import static io.p2pfs.audit.log.LogFixture.offline;
import static io.p2pfs.audit.log.LogFixture.signHead;
import static io.p2pfs.audit.log.LogFixture.verify;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.audit.AuditEvents;
import io.p2pfs.audit.ingest.AuditStore;
import io.p2pfs.testing.P2pfsTestResource;
import io.p2pfs.testing.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tampering of every kind is caught against an earlier signed head, by the service's verify, by
 * the offline verifier on an export, and by the signer, which refuses to sign over it. The
 * attacker holds the database's owner role (triggers off, everything recomputed) but not the log
 * key. Each test restores the log it found.
 */
@QuarkusTest
@TestProfile(LogTestProfile.class)
@WithTestResource(value = P2pfsTestResource.class, initArgs = {@ResourceArg(name = "service", value = "audit_log"),
        @ResourceArg(name = "restrictedRole", value = "true")})
class VerifyResourceTests {

    @Inject
    AuditStore store;

    private JsonNode head;
    private long size;
    /** The tree state exactly as the service sealed it at the head's size. */
    private String sealedStateAtHead;

    @BeforeEach
    void aSignedLogWithMoreAfterItsHead() throws Exception {
        append(store, AuditEvents.tag(), 25);
        head = signHead();
        size = head.path("treeSize").asLong();
        sealedStateAtHead = "UPDATE audit_tree_state SET (tree_size, root_hash, key_id, mac) = (SELECT tree_size, "
                + "root_hash, key_id, mac FROM snapshot_state_at_head)";
        Forger.tamper("DROP TABLE IF EXISTS snapshot_state_at_head",
                "CREATE TABLE snapshot_state_at_head AS SELECT * FROM audit_tree_state");
        append(store, AuditEvents.tag(), 7);
        Forger.snapshot();
    }

    @AfterEach
    void restore() {
        Forger.restore();
        verify().body("ok", equalTo(true));
    }

    @Test
    void anIntactLogVerifiesAgainstEveryHeadAndOffline() throws Exception {
        JsonNode second = signHead();
        verify().body("ok", equalTo(true)).body("treeSize", equalTo((int) size + 7))
                .body("verifiedHead.treeSize", equalTo((int) size + 7))
                .body("verifiedHead.signature", equalTo(second.path("signature").asText()))
                .body("rootHash", equalTo(second.path("rootHash").asText()));
        LogFixture.Result offline = offline("log", "--head", file("head.json", head.toString()).toString(), "--key",
                LogFixture.publicKey(), "--log", export().toString());
        assertEquals(0, offline.status(), offline.output());
    }

    @Test
    void anEditedRowIsCaughtAgainstTheSignedHead() throws Exception {
        long seq = size - 3;
        String canonical = AuditEvents.JSON.readTree(canonicalOf(seq)).toString();
        String edited = canonical.replace("\"outcome\":\"SUCCESS\"", "\"outcome\":\"DENIED\"");

        // the event alone (a member no column shows): its stored leaf hash gives it away
        Forger.tamper("UPDATE audit_event SET canonical = replace(canonical, 'application/json', 'text/plain') "
                + "WHERE seq = " + seq);
        verify().body("ok", equalTo(false)).body("problem", equalTo("leaf")).body("firstBrokenSeq", equalTo((int) seq));

        // the event, its columns, its leaf and every tree node: only the signed head tells
        Forger.rewriteEvent(seq, editedCanonical(seq, edited));
        Forger.rebuildTree(false);
        verify().body("ok", equalTo(false)).body("problem", equalTo("head"))
                .body("detail", containsString("first " + size + " entries"));
        LogFixture.Result offline = offline("log", "--head", file("head.json", head.toString()).toString(), "--key",
                LogFixture.publicKey(), "--log", export().toString());
        assertEquals(1, offline.status(), offline.output());
        assertTrue(offline.output().contains("do not hash to the signed root"), offline.output());
        refusedToSign("history was rewritten");

        // and with the stored root recomputed too, the state's seal no longer holds
        Forger.rebuildTree(true);
        verify().body("ok", equalTo(false)).body("problem", equalTo("head"));
        refusedToSign("not sealed by this log's key");
    }

    @Test
    void aDeletedRowIsCaughtAsAGapOrAgainstTheHead() throws Exception {
        long seq = size / 2;
        Forger.tamper("DELETE FROM audit_event WHERE seq = " + seq);
        verify().body("ok", equalTo(false)).body("problem", equalTo("missing")).body("firstBrokenSeq", equalTo((int) seq));

        // renumbered so that no gap shows, tree rebuilt
        // in two steps: the primary key is checked row by row during an UPDATE
        Forger.tamper("UPDATE audit_event SET seq = seq + 1000000 WHERE seq > " + seq,
                "UPDATE audit_event SET seq = seq - 1000001 WHERE seq > 1000000");
        Forger.rebuildTree(false);
        verify().body("ok", equalTo(false)).body("problem", equalTo("head"));
        refusedToSign("history was rewritten");
    }

    @Test
    void reorderedRowsAreCaughtAgainstTheHead() throws Exception {
        long a = 3;
        long b = size - 1;
        Forger.tamper("UPDATE audit_event SET seq = 1000000 WHERE seq = " + a,
                "UPDATE audit_event SET seq = " + a + " WHERE seq = " + b,
                "UPDATE audit_event SET seq = " + b + " WHERE seq = 1000000");
        Forger.rebuildTree(false);
        verify().body("ok", equalTo(false)).body("problem", equalTo("head"));
        LogFixture.Result offline = offline("log", "--head", file("head.json", head.toString()).toString(), "--key",
                LogFixture.publicKey(), "--log", export().toString());
        assertEquals(1, offline.status(), offline.output());
        refusedToSign("history was rewritten");
    }

    @Test
    void aRowInsertedOutOfBandIsCaught() throws Exception {
        long total = size + 7;
        String forged = editedCanonical(total, AuditEvents.JSON.readTree(canonicalOf(total)).toString())
                .replace("\"id\":\"", "\"id\":\"forged-");
        // appended past the service: the tree does not cover it, the writer and the signer stop
        Forger.tamper("INSERT INTO audit_event (seq, event_id, event_type, source, subject, event_time, actor, action, "
                + "resource, path, outcome, search_text, canonical, leaf_hash) SELECT seq + 1, 'forged-' || event_id, "
                + "event_type, source, subject, event_time, actor, action, resource, path, outcome, search_text, "
                + "canonical, leaf_hash FROM audit_event WHERE seq = " + total);
        Forger.rewriteEvent(total + 1, forged);
        verify().body("ok", equalTo(false)).body("problem", equalTo("out-of-band"))
                .body("firstBrokenSeq", equalTo((int) total + 1));
        assertThrows(LogIntegrityException.class, () -> {
            try {
                append(store, AuditEvents.tag(), 1);
            } catch (RuntimeException e) {
                throw e.getCause() instanceof LogIntegrityException cause ? cause : e;
            }
        });
        refusedToSign("written past the service");

        // inserted inside the signed range, renumbered, tree rebuilt: the head tells
        Forger.restore();
        Forger.tamper("UPDATE audit_event SET seq = seq + 1000000 WHERE seq >= 5",
                "UPDATE audit_event SET seq = seq - 999999 WHERE seq >= 1000005");
        Forger.tamper("INSERT INTO audit_event (seq, event_id, event_type, source, subject, event_time, actor, action, "
                + "resource, path, outcome, search_text, canonical, leaf_hash) SELECT 5, 'forged-' || event_id, "
                + "event_type, source, subject, event_time, actor, action, resource, path, outcome, search_text, "
                + "replace(canonical, '\"id\":\"', '\"id\":\"forged-'), leaf_hash FROM audit_event WHERE seq = 4");
        Forger.rebuildTree(false);
        verify().body("ok", equalTo(false)).body("problem", equalTo("head"));
    }

    @Test
    void aTruncatedTailIsCaughtEvenWithAGenuineOlderState() throws Exception {
        JsonNode second = signHead();
        assertEquals(size + 7, second.path("treeSize").asLong());
        // cut the tail, drop the newer head from the database, and put back the state the service
        // itself sealed at the older head: the database is a genuine older log; only the head
        // published outside it (the heads directory) shows what was lost
        Forger.tamper("DELETE FROM audit_event WHERE seq > " + size,
                "DELETE FROM audit_tree_node WHERE ((idx + 1) << level) > " + size,
                "DELETE FROM audit_tree_head WHERE tree_size > " + size, sealedStateAtHead);
        verify().body("ok", equalTo(false)).body("problem", equalTo("truncated"))
                .body("detail", containsString("entries were removed"));
        refusedToSign("entries were removed");
    }

    @Test
    void theServiceRoleCannotChangeOrRemoveLogRows() throws Exception {
        var config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        String role = config.getValue("p2pfs.test.app-role", String.class);
        String password = config.getValue("p2pfs.test.app-role-password", String.class);
        String database = config.getValue("p2pfs.test.database", String.class);
        try (var connection = java.sql.DriverManager.getConnection(
                io.p2pfs.testing.TestPostgres.shared().jdbcUrl(database), role, password);
                var statement = connection.createStatement()) {
            for (String sql : List.of("UPDATE audit_event SET actor = 'mallory' WHERE seq = 1",
                    "DELETE FROM audit_event WHERE seq = 1", "TRUNCATE audit_event",
                    "UPDATE audit_tree_node SET hash = hash WHERE level = 1", "DELETE FROM audit_tree_node",
                    "DELETE FROM audit_tree_head", "UPDATE audit_tree_head SET tree_size = 0",
                    "ALTER TABLE audit_event DISABLE TRIGGER USER", "DROP TABLE audit_tree_head")) {
                var refused = assertThrows(java.sql.SQLException.class, () -> statement.execute(sql), sql);
                assertTrue(refused.getSQLState().equals("42501") || refused.getSQLState().equals("42P01"),
                        sql + ": " + refused.getSQLState() + " " + refused.getMessage());
            }
            try (var rows = statement.executeQuery("SELECT count(*) FROM audit_event")) {
                rows.next();
                assertEquals(size + 7, rows.getLong(1), "the role reads the log");
            }
        }
        // the owner is stopped by the triggers unless it switches them off
        var owner = assertThrows(IllegalStateException.class,
                () -> AuditEvents.update("UPDATE audit_event SET actor = 'mallory' WHERE seq = 1"));
        assertTrue(owner.getMessage().contains("append-only"), owner.getMessage());
    }

    private static void refusedToSign(String why) {
        given().auth().oauth2(LogFixture.AUDITOR).when().post("/api/v1/audit/tree-heads").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString(why));
        given().auth().oauth2(io.p2pfs.testing.TestTokens.user("prometheus").roles("metrics").sign()).when().get("/q/metrics").then().body(containsString("p2pfs_audit_log_consistent 0.0"));
    }

    private static String canonicalOf(long seq) {
        try (var connection = AuditEvents.connect();
                var query = connection.prepareStatement("SELECT canonical FROM audit_event WHERE seq = ?")) {
            query.setLong(1, seq);
            try (var rows = query.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String editedCanonical(long seq, String edited) throws Exception {
        return io.p2pfs.common.audit.CanonicalJson.of(AuditEvents.JSON.readTree(edited));
    }

    @Test
    void onlyAuditorsAndAdminsVerify() {
        given().auth().oauth2(TestTokens.user("plain").sign()).when().get("/api/v1/audit/verify").then()
                .statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(TestTokens.user("boss").roles("admin").sign()).when().get("/api/v1/audit/verify")
                .then().statusCode(200).body("ok", equalTo(true));
    }
}
