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

    public static final class Peer {
        final String zone;
        final int port;
        final Path dataDir;
        ServiceProcess process;

        Peer(String zone, int port, Path dataDir) {
            this.zone = zone;
            this.port = port;
            this.dataDir = dataDir;
        }

        public String url() {
            return "http://127.0.0.1:" + port;
        }

        public void start() {
            process = io.p2pfs.testing.TestPeerProcess.start(zone, port, dataDir, MetadataTestResource.url);
        }

        public void stop() {
            process.stop();
        }

        /** {@code kill -9}: the peer vanishes without a word to anyone. */
        public void kill() {
            process.kill();
        }

        public boolean running() {
            return process != null && process.isAlive();
        }

        /** The node id the tracker gave this peer, as the metadata service knows it. */
        public String nodeId() {
            List<String> ids = rows("SELECT CAST(node_id AS text) FROM nodes WHERE url = '" + url() + "'");
            if (ids.isEmpty()) {
                throw new IllegalStateException("peer " + url() + " is not known to the metadata service");
            }
            return ids.get(0);
        }

        /** Where this peer keeps a chunk in its store (whether or not it holds it). */
        public Path storePathOf(String chunkId) {
            return dataDir.resolve("chunks").resolve(chunkId.substring(0, 2)).resolve(chunkId.substring(2, 4))
                    .resolve(chunkId);
        }

        /**
         * The proof this peer's own key gives for a chunk event in its name, as the peer itself
         * would sign it (for events a test publishes in a real node's name).
         */
        public String chunkEventProof(String type, String chunkId) {
            return chunkEventProof(type, chunkId, nodeId());
        }

        /** A proof signed with this peer's key that claims to be {@code claimedNodeId}'s. */
        public String chunkEventProof(String type, String chunkId, String claimedNodeId) {
            try {
                var jwk = org.jose4j.jwk.PublicJsonWebKey.Factory
                        .newPublicJwk(Files.readString(dataDir.resolve("node-key.jwk")));
                return io.p2pfs.common.chunks.ChunkEventProofs.sign(type, chunkId, claimedNodeId, java.time.Instant.now(),
                        jwk.getPrivateKey(), "test");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (org.jose4j.lang.JoseException e) {
                throw new IllegalStateException("cannot read the key of peer " + url(), e);
            }
        }

        /** Every chunk file this peer holds. */
        public List<Path> chunkFiles() {
            try (Stream<Path> files = Files.walk(dataDir)) {
                return files.filter(Files::isRegularFile).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private TestPeers() {
    }

    /**
     * The first {@code count} peers (zones z1, z2, z3, z1, …), started on first use. A test that
     * starts more than the four most tests use stops the extra ones when it is done, since some
     * tests count the peers that are UP.
     */
    public static synchronized List<Peer> atLeast(int count) {
        while (PEERS.size() < count) {
            Peer peer = new Peer("z" + (PEERS.size() % 3 + 1), MetadataTestResource.freePort(),
                    TestRunCleanup.scratchDir("p2pfs-test-peer-"));
            peer.start();
            PEERS.add(peer);
        }
        List<Peer> wanted = List.copyOf(PEERS.subList(0, count));
        for (Peer peer : wanted) {
            if (!peer.running()) {
                peer.start();
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> upInMetadata() >= count);
        return wanted;
    }

    /** The started peer whose node id is {@code nodeId}. */
    public static synchronized Peer withNodeId(String nodeId) {
        return PEERS.stream().filter(peer -> peer.running() && peer.nodeId().equals(nodeId)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no running test peer is node " + nodeId));
    }

    /** The peers among the first {@code count} whose disk holds {@code chunkId} (in store or quarantine). */
    public static List<Peer> holding(String chunkId, int count) {
        return atLeast(count).stream().filter(peer -> peer.chunkFiles().stream()
                .anyMatch(file -> file.getFileName().toString().startsWith(chunkId))).toList();
    }

    /** How many of all started peers keep {@code chunkId} in their store (quarantine not counted). */
    public static synchronized long disksHolding(String chunkId) {
        return PEERS.stream().filter(peer -> peer.chunkFiles().stream()
                .anyMatch(file -> file.getFileName().toString().equals(chunkId)
                        && !file.getParent().getFileName().toString().equals("quarantine"))).count();
    }

    /** Stops the peers beyond the first four (some tests count the peers that are UP). */
    public static synchronized void stopExtras() {
        for (Peer peer : PEERS.subList(Math.min(4, PEERS.size()), PEERS.size())) {
            if (peer.running()) {
                peer.stop();
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> upInMetadata() <= 4);
    }

    /** Waits until the metadata service sees exactly {@code expected} of the test's peers UP. */
    static void awaitUpInMetadata(int expected) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> upInMetadata() == expected);
    }

    static long upInMetadata() {
        return count("SELECT count(*) FROM nodes WHERE state = 'UP'");
    }

    public static List<String> rows(String sql) {
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
    public static void execute(String sql) {
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
