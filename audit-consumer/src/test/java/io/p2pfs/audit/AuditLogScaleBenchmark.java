package io.p2pfs.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.audit.entry.AuditEntry;
import io.p2pfs.testing.TestPostgres;
import io.p2pfs.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Benchmark of the transparency log at scale (run by {@code bench/audit-ingest/run-scale}, not
 * by the test suite): a log of N entries is bulk-loaded into the database as rows of the former
 * format (no tree), the packaged app folds them into the tree at start (the migration path),
 * then one inclusion proof at a time is timed over a keep-alive connection against a health
 * check on the same connection, and the full verify is timed.
 *
 * <p>Arguments: entries (default 1000000), proofs (200), verify (true), padding characters per
 * event (200; smaller makes room for larger logs on a small disk).
 */
public final class AuditLogScaleBenchmark {

    private static final String CANONICAL = "'{\"data\":{\"action\":\"file.uploaded\",\"actor\":\"bench' || (g % 50) || "
            + "'\",\"details\":{\"i\":' || g || ',\"padding\":\"' || repeat('p', 200) || '\"},\"outcome\":\"SUCCESS\","
            + "\"resource\":\"/bench/d' || (g % 100) || '/f' || g || '\"},\"id\":\"preload-' || g || '\","
            + "\"p2pfsschemaversion\":1,\"source\":\"/p2pfs/bench\",\"specversion\":\"1.0\",\"subject\":\"/bench/d'"
            + " || (g % 100) || '/f' || g || '\",\"time\":\"2026-12-01T00:00:00Z\",\"type\":\"file.uploaded\"}'";

    public static void main(String[] args) throws Exception {
        long entries = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        int proofs = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        boolean verify = args.length <= 2 || Boolean.parseBoolean(args[2]);
        int padding = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        String database;
        try (AuditApp first = AuditApp.start("768m")) {
            database = first.database();
        }
        long loadStart = System.nanoTime();
        load(database, entries, padding);
        System.out.printf("LOAD: %,d entries bulk-loaded in %.1f s%n", entries, (System.nanoTime() - loadStart) / 1e9);

        try (AuditApp app = AuditApp.start("768m", database)) {
            long foldStart = System.nanoTime();
            while (app.treeSize() < entries) {
                if (!app.alive()) {
                    throw new IllegalStateException("the app exited; see " + app.log());
                }
                Thread.sleep(250);
            }
            System.out.printf("FOLD: %,d entries folded into the tree in %.1f s%n", entries,
                    (System.nanoTime() - foldStart) / 1e9);
            String auditor = TestTokens.user("scale-auditor").roles("auditor").sign();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> head = http.send(HttpRequest.newBuilder(URI.create(app.baseUrl()
                    + "/api/v1/audit/tree-heads")).header("Authorization", "Bearer " + auditor)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            System.out.println("HEAD: " + head.statusCode() + " " + head.body());

            Random random = new Random(7);
            List<Long> proofNanos = new ArrayList<>();
            List<Long> healthNanos = new ArrayList<>();
            for (int i = 0; i < proofs + 50; i++) {
                long seq = 1 + (long) (random.nextDouble() * entries);
                HttpRequest proof = HttpRequest.newBuilder(URI.create(app.baseUrl()
                        + "/api/v1/audit/proofs/inclusion?eventId=preload-" + seq)).header("Authorization",
                                "Bearer " + auditor).build();
                long t = System.nanoTime();
                HttpResponse<String> answer = http.send(proof, HttpResponse.BodyHandlers.ofString());
                long proofTime = System.nanoTime() - t;
                if (answer.statusCode() != 200) {
                    throw new IllegalStateException("proof: " + answer.statusCode() + " " + answer.body());
                }
                t = System.nanoTime();
                http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/q/health/live")).build(),
                        HttpResponse.BodyHandlers.discarding());
                long healthTime = System.nanoTime() - t;
                if (i >= 50) {
                    proofNanos.add(proofTime);
                    healthNanos.add(healthTime);
                }
                if (i == 50) {
                    JsonNode body = AuditEvents.JSON.readTree(answer.body());
                    System.out.println("a proof has " + body.path("hashes").size() + " hashes");
                }
            }
            Collections.sort(proofNanos);
            Collections.sort(healthNanos);
            System.out.printf("PROOF: %d inclusion proofs at %,d entries: p50 %.2f ms, p99 %.2f ms; health check on the "
                    + "same connection p50 %.2f ms (proof/health %.1fx)%n", proofs, entries, pct(proofNanos, 0.5),
                    pct(proofNanos, 0.99), pct(healthNanos, 0.5), pct(proofNanos, 0.5) / pct(healthNanos, 0.5));
            if (verify) {
                long t = System.nanoTime();
                HttpResponse<String> result = http.send(HttpRequest.newBuilder(URI.create(app.baseUrl()
                        + "/api/v1/audit/verify")).header("Authorization", "Bearer " + auditor)
                        .timeout(java.time.Duration.ofMinutes(30)).build(), HttpResponse.BodyHandlers.ofString());
                System.out.printf("VERIFY: %,d entries in %.1f s: %s%n", entries, (System.nanoTime() - t) / 1e9,
                        result.body().length() > 400 ? result.body().substring(0, 400) : result.body());
            }
        }
        try {
            TestPostgres.shared().dropDatabase(database);
        } catch (IllegalStateException e) {
            // autovacuum may still be on the big table; the exit hook tries again
            System.out.println("the benchmark database is dropped at exit: " + e.getMessage());
        }
        System.exit(0);
    }

    /** Rows as the former version wrote them, less the chain: the migration's state, with legacy_size set. */
    private static void load(String database, long entries, int padding) throws Exception {
        try (Connection connection = TestPostgres.shared().connect(database);
                Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE audit_event DISABLE TRIGGER USER");
            long step = 500_000;
            for (long from = 1; from <= entries; from += step) {
                long to = Math.min(entries, from + step - 1);
                statement.execute("INSERT INTO audit_event (seq, event_id, event_type, source, subject, event_time, "
                        + "actor, action, resource, path, outcome, search_text, canonical, leaf_hash) SELECT g, "
                        + "'preload-' || g, 'file.uploaded', '/p2pfs/bench', '/bench/d' || (g % 100) || '/f' || g, "
                        + "'2026-12-01T00:00:00Z', 'bench' || (g % 50), 'file.uploaded', '/bench/d' || (g % 100) || '/f' || g, "
                        + "'/bench/d' || (g % 100) || '/f' || g, 'SUCCESS', 'bench' || (g % 50) || ' file uploaded file "
                        + "uploaded bench d' || (g % 100) || ' f' || g || ' bench d' || (g % 100) || ' f' || g || ' success ' "
                        + "|| g || ' ' || repeat('p', " + padding + "), c, sha256('\\x00'::bytea || convert_to(c, 'UTF8')) "
                        + "FROM generate_series(" + from + ", " + to + ") AS g, LATERAL (SELECT "
                        + CANONICAL.replace("repeat('p', 200)", "repeat('p', " + padding + ")") + " AS c) AS x");
                System.out.printf("  loaded %,d%n", to);
            }
            statement.execute("ALTER TABLE audit_event ENABLE TRIGGER USER");
            statement.execute("UPDATE audit_tree_state SET tree_size = 0, root_hash = sha256(''::bytea), legacy_size = "
                    + entries + ", mac = NULL, key_id = NULL");
            try (ResultSet row = statement.executeQuery("SELECT canonical, search_text FROM audit_event WHERE seq = 7")) {
                row.next();
                AuditEntry derived = AuditEntry.fromCanonical(row.getString(1));
                if (!derived.searchText().equals(row.getString(2)) || !derived.canonical().equals(row.getString(1))) {
                    throw new IllegalStateException("the bulk-loaded rows do not derive as the service derives them:\n"
                            + derived.searchText() + "\n" + row.getString(2));
                }
            }
        }
    }

    private static double pct(List<Long> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
    }

    private AuditLogScaleBenchmark() {
    }

}
