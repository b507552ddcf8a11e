package io.p2pfs.audit.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.audit.AuditApp;
import io.p2pfs.audit.AuditEvents;
import io.p2pfs.audit.entry.AuditEntry;
import io.p2pfs.common.audit.Merkle;
import io.p2pfs.common.audit.MerkleProofs;
import io.p2pfs.testing.TestPostgres;
import io.p2pfs.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;

/**
 * A database written by the former version (a hash chain, no tree) is migrated: the chain is
 * checked, its rows are folded into the tree when the packaged app starts, and the result
 * verifies and serves proofs. A broken chain stops the migration.
 */
class MigrationIT {

    @Test
    void aHashChainFromTheFormerVersionBecomesTheTree() throws Exception {
        TestPostgres postgres = TestPostgres.shared();
        String database = postgres.createDatabase("p2pfs_test_audit_migration");
        List<AuditEntry> entries = formerVersionLog(database, 45, false);

        try (AuditApp app = AuditApp.start("384m", database)) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> app.treeSize() == entries.size());
            String auditor = TestTokens.user("migration-auditor").roles("auditor").sign();
            HttpClient http = HttpClient.newHttpClient();
            JsonNode head = AuditEvents.JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(app.baseUrl()
                    + "/api/v1/audit/tree-heads")).header("Authorization", "Bearer " + auditor)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).body());
            List<byte[]> leaves = entries.stream().map(entry -> Merkle.leafHash(entry.canonical())).toList();
            assertEquals(entries.size(), head.path("treeSize").asLong());
            assertEquals(Merkle.hex(Merkle.root(leaves)), head.path("rootHash").asText(),
                    "the tree is the RFC 6962 tree of the former chain's events, in their order");

            JsonNode verify = AuditEvents.JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(app.baseUrl()
                    + "/api/v1/audit/verify")).header("Authorization", "Bearer " + auditor).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertTrue(verify.path("ok").asBoolean(), verify.toString());
            assertEquals(entries.size(), verify.path("checked").asLong());

            JsonNode proof = AuditEvents.JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(app.baseUrl()
                    + "/api/v1/audit/proofs/inclusion?eventId=" + entries.get(17).eventId()))
                    .header("Authorization", "Bearer " + auditor).build(), HttpResponse.BodyHandlers.ofString()).body());
            List<byte[]> hashes = new ArrayList<>();
            proof.path("hashes").forEach(hash -> hashes.add(Merkle.unhex(hash.asText())));
            assertTrue(MerkleProofs.verifyInclusion(17, entries.size(), leaves.get(17), hashes, Merkle.root(leaves)));
        }
    }

    @Test
    void aBrokenHashChainStopsTheMigration() throws Exception {
        String database = TestPostgres.shared().createDatabase("p2pfs_test_audit_broken_chain");
        formerVersionLog(database, 12, true);
        FlywayException refused = assertThrows(FlywayException.class, () -> flyway(database, null).migrate());
        assertTrue(refused.getMessage().contains("audit hash chain broken before the tree migration at seq 6"),
                refused.getMessage());
    }

    /** A database at the former version's schema with a hash chain of {@code count} events (seq 6 edited when broken). */
    private static List<AuditEntry> formerVersionLog(String database, int count, boolean broken) throws Exception {
        flyway(database, "1").migrate();
        List<AuditEntry> entries = new ArrayList<>();
        try (Connection connection = TestPostgres.shared().connect(database);
                PreparedStatement insert = connection.prepareStatement("INSERT INTO audit_event (seq, event_id, "
                        + "event_type, source, subject, event_time, actor, action, resource, path, outcome, search_text, "
                        + "canonical, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            byte[] previous = new byte[32];
            for (int seq = 1; seq <= count; seq++) {
                var event = AuditEvents.event("lock.acquired", "migrant", "/migrant/f" + seq, "SUCCESS", Instant.now(),
                        Map.of("seq", seq));
                AuditEntry entry = AuditEntry.fromRecord(event.toString().getBytes(StandardCharsets.UTF_8));
                entries.add(entry);
                MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                sha256.update(previous);
                sha256.update(entry.canonical().getBytes(StandardCharsets.UTF_8));
                byte[] hash = sha256.digest();
                insert.setLong(1, seq);
                insert.setString(2, entry.eventId());
                insert.setString(3, entry.eventType());
                insert.setString(4, entry.source());
                insert.setString(5, entry.subject());
                insert.setTimestamp(6, Timestamp.from(entry.eventTime()));
                insert.setString(7, entry.actor());
                insert.setString(8, entry.action());
                insert.setString(9, entry.resource());
                insert.setString(10, entry.path());
                insert.setString(11, entry.outcome());
                insert.setString(12, entry.searchText());
                insert.setString(13, broken && seq == 6 ? entry.canonical().replace("migrant", "mallory")
                        : entry.canonical());
                insert.setBytes(14, previous);
                insert.setBytes(15, hash);
                insert.executeUpdate();
                previous = hash;
            }
        }
        return entries;
    }

    private static Flyway flyway(String database, String target) {
        TestPostgres postgres = TestPostgres.shared();
        var configuration = Flyway.configure().dataSource(postgres.jdbcUrl(database), postgres.user(), postgres.password())
                .locations("classpath:db/migration", "classpath:db/outbox")
                .placeholders(Map.of("app_role", postgres.user()));
        return (target == null ? configuration : configuration.target(target)).load();
    }
}
