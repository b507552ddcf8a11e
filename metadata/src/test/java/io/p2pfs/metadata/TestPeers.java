package io.p2pfs.metadata;

import io.p2pfs.testing.ServiceProcess;
import io.p2pfs.testing.TestPostgres;
import io.p2pfs.testing.TestRunCleanup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
            process = io.p2pfs.testing.TestPeerProcess.start(zone, port, dataDir, MetadataTestResource.url);
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
