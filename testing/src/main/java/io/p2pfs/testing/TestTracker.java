package io.p2pfs.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

/**
 * The real tracker (its built jar) for tests of services that register with it: a child
 * process on a free port, on a fresh database of {@link TestPostgres}, publishing to the test
 * {@link KafkaBroker}, verifying {@link TestTokens}. Heartbeats are expected every second and a
 * node is down after two missed ones. One per test JVM.
 */
public final class TestTracker {

    private static TestTracker shared;

    private final ServiceProcess process;
    private final String database;

    private TestTracker(ServiceProcess process, String database) {
        this.process = process;
        this.database = database;
    }

    public static synchronized TestTracker shared() {
        if (shared == null) {
            String database = TestPostgres.shared().createDatabase("p2pfs_test_tracker");
            Map<String, String> env = ServiceProcess.testEnvironment(database);
            // The test profile at run time: no Keycloak URL (tokens are checked against the test key
            // alone) and plain HTTP allowed; everything else comes from the variables here.
            env.put("QUARKUS_PROFILE", "test");
            env.put("QUARKUS_OIDC_TOKEN_AUDIENCE", TestTokens.AUDIENCE);
            env.put("P2PFS_TRACKER_HEARTBEAT_INTERVAL", "1s");
            env.put("P2PFS_TRACKER_MISSED_HEARTBEATS", "2");
            env.put("P2PFS_TRACKER_LIVENESS_CHECK_INTERVAL", "500ms");
            // The test peers serve plain HTTP on the loopback (no certificates to make per test JVM).
            env.put("P2PFS_TRACKER_ALLOW_HTTP_NODES", "true");
            env.put("P2PFS_TRACKER_ZONES", "*");
            shared = new TestTracker(ServiceProcess.start("tracker", env, Duration.ofSeconds(120)), database);
        }
        return shared;
    }

    public String url() {
        return process.url();
    }

    /** Simulates a tracker that lost its state (restarted on a fresh database): no node is known. */
    public void forgetAllNodes() {
        try (Connection connection = TestPostgres.shared().connect(database);
                Statement statement = connection.createStatement()) {
            statement.executeUpdate("DELETE FROM nodes");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot clear the tracker's nodes", e);
        }
    }
}
