package io.p2pfs.cli;

import static org.awaitility.Awaitility.await;

import io.p2pfs.testing.KafkaBroker;
import io.p2pfs.testing.ServiceProcess;
import io.p2pfs.testing.TestIssuer;
import io.p2pfs.testing.TestPeerProcess;
import io.p2pfs.testing.TestPostgres;
import io.p2pfs.testing.TestRunCleanup;
import io.p2pfs.testing.TestTracker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the command's tests run against, once per test JVM: the real tracker, metadata service
 * and three storage peers (built jars, child processes) on the shared broker and a fresh
 * database, and a {@link TestIssuer} with the demo users in the place of Keycloak. Every test
 * user gets a config folder of its own; commands run in-process ({@link #run}) or through the
 * built launcher.
 */
final class CliStack {

    static final String[] USER = {"user"};

    private static CliStack shared;

    final TestIssuer issuer;
    final ServiceProcess metadata;
    final List<ServiceProcess> peers = new ArrayList<>();
    final String metadataDatabase;

    /** One command's outcome: its exit status and what it printed. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "\n--- err\n" + err;
        }
    }

    private CliStack() throws IOException {
        issuer = new TestIssuer()
                .user("alice", "alice-secret", USER)
                .user("bob", "bob-secret", USER, "finance")
                .user("carol", "carol-secret", new String[] {"user", "auditor"}, "engineering")
                .user("admin", "admin-secret", new String[] {"user", "admin"});
        TestTracker tracker = TestTracker.shared();
        metadataDatabase = TestPostgres.shared().createDatabase("p2pfs_test_cli_metadata");
        Map<String, String> env = ServiceProcess.testEnvironment(metadataDatabase);
        env.put("QUARKUS_HTTP_INSECURE_REQUESTS", "enabled");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(KafkaBroker.freePort()));
        env.put("P2PFS_TRACKER_URL", tracker.url());
        env.put("P2PFS_MASTER_KEY", "Y2xpLXRlc3RzLW9ubHktbWFzdGVyLWtleS0zMi1ieXRlcw==");
        metadata = ServiceProcess.start("metadata", env, Duration.ofSeconds(180));
        for (int i = 1; i <= 3; i++) {
            peers.add(TestPeerProcess.start("z" + i, KafkaBroker.freePort(), TestRunCleanup.scratchDir("p2pfs-test-cli-peer-"),
                    metadata.url()));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> count("SELECT count(*) FROM nodes WHERE state = 'UP'") >= 3);
    }

    static synchronized CliStack shared() {
        if (shared == null) {
            KafkaBroker.shared();
            try {
                shared = new CliStack();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the services of the command's tests", e);
            }
        }
        return shared;
    }

    /** The variables a user's runs see: the services, the issuer, the user's own config folder. */
    Map<String, String> environment(Path configDirectory) {
        Map<String, String> env = new HashMap<>();
        env.put("P2PFS_CONFIG_DIR", configDirectory.toString());
        env.put("P2PFS_METADATA_URL", metadata.url());
        env.put("P2PFS_TRACKER_URL", TestTracker.shared().url());
        env.put("P2PFS_AUDIT_URL", "http://127.0.0.1:9");
        env.put("P2PFS_ISSUER_URL", issuer.url());
        env.put("HOME", configDirectory.toString());
        return env;
    }

    /** Runs one command line in-process for the user whose config folder this is. */
    Run run(Path configDirectory, Path workingDirectory, String... args) {
        return run(environment(configDirectory), workingDirectory, new ByteArrayInputStream(new byte[0]), args);
    }

    Run run(Map<String, String> env, Path workingDirectory, InputStream in, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = P2pfsCli.run(new CliEnvironment(env, in, outStream, errStream, workingDirectory, false, 100), args);
        }
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A fresh config folder logged in as {@code login} with the password grant. */
    Path loggedIn(String login) {
        Path config = TestRunCleanup.scratchDir("p2pfs-test-cli-" + login + "-");
        Run run = run(environment(config), config, new ByteArrayInputStream((login + "-secret\n")
                .getBytes(StandardCharsets.UTF_8)), "login", "--password", "-u", login, "--password-stdin");
        if (run.exit() != 0) {
            throw new IllegalStateException("login of " + login + " failed: " + run);
        }
        return config;
    }

    long count(String sql) {
        try (Connection connection = TestPostgres.shared().connect(metadataDatabase);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
