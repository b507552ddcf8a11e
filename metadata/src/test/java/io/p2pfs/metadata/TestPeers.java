package io.p2pfs.metadata;

import io.p2pfs.testing.KafkaBroker;
import io.p2pfs.testing.ServiceProcess;
import io.p2pfs.testing.TestPostgres;
import io.p2pfs.testing.TestRunCleanup;
import io.p2pfs.testing.TestTokens;
import io.p2pfs.testing.TestTracker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Real peer agents (their built jars) for the metadata tests: each registers with the real
 * tracker, which announces it on {@code p2pfs.nodes}, from where the metadata service under test
 * learns it. A peer can be stopped (the tracker then marks it DOWN) and started again on the
 * same port and data directory (it keeps its node id and chunks).
 */
public final class TestPeers {

    private static final List<Peer> PEERS = new ArrayList<>();

    static final class Peer {
        final String zone;
        final int port;
        final Path dataDir;
        ServiceProcess process;

        Peer(String zone, int port, Path dataDir) {
            this.zone = zone;
            this.port = port;
            this.dataDir = dataDir;
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }

        void start() {
            Map<String, String> env = new HashMap<>();
            env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
            env.put("QUARKUS_HTTP_INSECURE_REQUESTS", "enabled");
            env.put("QUARKUS_HTTP_SSL_PORT", "0");
            env.put("KAFKA_BOOTSTRAP_SERVERS", KafkaBroker.shared().bootstrapServers());
            env.put("QUARKUS_OIDC_PUBLIC_KEY", TestTokens.publicKeyBase64());
            env.put("QUARKUS_OIDC_TOKEN_ISSUER", TestTokens.ISSUER);
            env.put("QUARKUS_OIDC_TOKEN_AUDIENCE", TestTokens.AUDIENCE);
            env.put("QUARKUS_OIDC_CLIENT_CLIENT_ENABLED", "false");
            env.put("P2PFS_PEER_ZONE", zone);
            env.put("P2PFS_PEER_DATA_DIR", dataDir.toString());
            env.put("P2PFS_PEER_CAPACITY_BYTES", Long.toString(16L << 30));
            env.put("P2PFS_PEER_PUBLIC_URL", url());
            env.put("P2PFS_TRACKER_URL", TestTracker.shared().url());
            env.put("P2PFS_METADATA_URL", MetadataTestResource.url);
            env.put("P2PFS_PEER_MEMBERSHIP_STATIC_BEARER_TOKEN", TestTokens.node()
                    .claim("exp", Instant.now().plusSeconds(4 * 3600).getEpochSecond()).sign());
            env.put("P2PFS_PEER_PLACEMENT_INITIAL_BACKOFF", "100ms");
            env.put("P2PFS_PEER_PLACEMENT_MAX_BACKOFF", "500ms");
            env.put("P2PFS_PEER_PLACEMENT_MAX_ATTEMPTS", "3");
            process = ServiceProcess.start("peer-agent", env, Duration.ofSeconds(180));
        }

        void stop() {
            process.stop();
        }

        /** Every chunk file this peer holds. */
        List<Path> chunkFiles() {
            try (Stream<Path> files = Files.walk(dataDir)) {
                return files.filter(Files::isRegularFile).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private TestPeers() {
    }

    /** The first {@code count} peers (zones z1, z2, z3, z1, …), started on first use. */
    public static synchronized List<Peer> atLeast(int count) {
        while (PEERS.size() < count) {
            Peer peer = new Peer("z" + (PEERS.size() % 3 + 1), MetadataTestResource.freePort(),
                    TestRunCleanup.scratchDir("p2pfs-test-peer-"));
            peer.start();
            PEERS.add(peer);
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> upInMetadata() >= count);
        return List.copyOf(PEERS.subList(0, count));
    }

    /** Waits until the metadata service sees exactly {@code expected} of the test's peers UP. */
    static void awaitUpInMetadata(int expected) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> upInMetadata() == expected);
    }

    static long upInMetadata() {
        return count("SELECT count(*) FROM nodes WHERE state = 'UP'");
    }

    static List<String> rows(String sql) {
        String database = ConfigProvider.getConfig().getValue("p2pfs.test.database", String.class);
        List<String> rows = new ArrayList<>();
        try (Connection connection = TestPostgres.shared().connect(database);
                PreparedStatement query = connection.prepareStatement(sql);
                ResultSet result = query.executeQuery()) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
            return rows;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a statement on the service's database (to age a row, say). */
    static void execute(String sql) {
        String database = ConfigProvider.getConfig().getValue("p2pfs.test.database", String.class);
        try (Connection connection = TestPostgres.shared().connect(database);
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.executeUpdate();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long count(String sql) {
        String database = ConfigProvider.getConfig().getValue("p2pfs.test.database", String.class);
        try (Connection connection = TestPostgres.shared().connect(database);
                PreparedStatement query = connection.prepareStatement(sql);
                ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
