package io.p2pfs.audit;

import io.p2pfs.testing.KafkaBroker;
import io.p2pfs.testing.TestPostgres;
import io.p2pfs.testing.TestRunCleanup;
import io.p2pfs.testing.TestTokens;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * The packaged audit consumer ({@code target/quarkus-app/quarkus-run.jar}) run as a child
 * process with a given heap, wired to the test broker, a fresh database and the test token key.
 */
public final class AuditApp implements AutoCloseable {

    private final Process process;
    private final int port;
    private final String database;
    private final Path log;

    private AuditApp(Process process, int port, String database, Path log) {
        this.process = process;
        this.port = port;
        this.database = database;
        this.log = log;
    }

    public static AuditApp start(String maxHeap) throws IOException {
        return start(maxHeap, TestPostgres.shared().createDatabase("p2pfs_test_audit_app"));
    }

    /** Starts the app on an existing database (one it migrated before, or one prepared for a migration). */
    public static AuditApp start(String maxHeap, String database) throws IOException {
        Path jar = Path.of(System.getProperty("p2pfs.audit.app", "audit-consumer/target/quarkus-app/quarkus-run.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException("package the audit consumer first: " + jar);
        }
        TestPostgres postgres = TestPostgres.shared();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(javaBin, "-Xmx" + maxHeap,
                "-XX:+ExitOnOutOfMemoryError",
                "-Dquarkus.profile=test",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.http.ssl-port=0",
                "-Dquarkus.datasource.username=" + postgres.user(),
                "-Dquarkus.datasource.password=" + postgres.password(),
                "-Dquarkus.datasource.reactive.url=" + postgres.reactiveUrl(database),
                "-Dquarkus.datasource.jdbc.url=" + postgres.jdbcUrl(database),
                "-Dp2pfs.test.database=" + database,
                "-Dquarkus.oidc.public-key=" + TestTokens.publicKeyBase64(),
                "-Dquarkus.oidc.token.issuer=" + TestTokens.ISSUER,
                "-Dquarkus.oidc.token.audience=" + TestTokens.AUDIENCE,
                "-Dquarkus.log.level=WARN",
                "-jar", jar.toString()));
        // As the audit service's own Kafka principal (system properties before -jar).
        KafkaBroker.shared().quarkusConfig(KafkaBroker.AUDIT)
                .forEach((key, value) -> command.add(command.size() - 2, "-D" + key + "=" + value));
        Path log = Files.createTempFile("p2pfs-audit-app-", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        AuditApp app = new AuditApp(process, port, database, log);
        TestRunCleanup.onExit(process::destroyForcibly);
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the audit consumer exited; see " + log);
            }
            return app.status("/q/health/ready") == 200;
        });
        return app;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public String database() {
        return database;
    }

    public boolean alive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** Entries in the log: its newest seq (seq is gap-free), read from the primary key's end, not by counting. */
    public long entries() throws Exception {
        try (var connection = TestPostgres.shared().connect(database);
                var query = connection.prepareStatement("SELECT coalesce(max(seq), 0) FROM audit_event");
                var rows = query.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** The size of the log's tree as stored (entries folded or appended into it). */
    public long treeSize() throws Exception {
        try (var connection = TestPostgres.shared().connect(database);
                var query = connection.prepareStatement("SELECT tree_size FROM audit_tree_state");
                var rows = query.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    public long countRows(String where, Object... params) throws Exception {
        try (var connection = TestPostgres.shared().connect(database);
                var query = connection.prepareStatement("SELECT count(*) FROM audit_event WHERE " + where)) {
            for (int i = 0; i < params.length; i++) {
                query.setObject(i + 1, params[i]);
            }
            try (var rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    int status(String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
