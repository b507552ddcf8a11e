package io.p2pfs.peer;

import io.p2pfs.testing.P2pfsTestResource;
import io.p2pfs.testing.TestChunkTokens;
import io.p2pfs.testing.TestRunCleanup;
import io.p2pfs.testing.TestTokens;
import io.p2pfs.testing.TestTracker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The peer under test on real infrastructure: the test Kafka broker, the real tracker (child
 * process) it registers with, a JWKS of {@link TestChunkTokens} standing in for the metadata
 * service, and a fresh data directory that already holds a leftover temporary file, as a crash
 * in the middle of a write would leave it.
 */
public class PeerTestResource extends P2pfsTestResource {

    @Override
    public void init(Map<String, String> initArgs) {
        Map<String, String> args = new HashMap<>(initArgs);
        args.put("database", "false");
        args.putIfAbsent("service", "peer");
        super.init(args);
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        try {
            Path dataDir = TestRunCleanup.scratchDir("p2pfs-test-peer-");
            byte[] leftover = TestChunks.random(50_000);
            String leftoverId = TestChunks.id(leftover);
            Files.createDirectories(dataDir.resolve("tmp"));
            Files.write(dataDir.resolve("tmp").resolve(leftoverId + ".crashed.part"), leftover);
            int port = freePort();
            config.put("quarkus.http.test-port", Integer.toString(port));
            config.put("p2pfs.peer.public-url", "http://127.0.0.1:" + port);
            config.put("p2pfs.peer.data-dir", dataDir.toString());
            config.put("p2pfs.peer.metadata-url", TestChunkTokens.shared().metadataUrl());
            config.put("p2pfs.peer.tracker-url", TestTracker.shared().url());
            // A node token that outlives the test run (Keycloak would hand out fresh ones).
            config.put("p2pfs.peer.membership.static-bearer-token",
                    TestTokens.node().claim("exp", Instant.now().plusSeconds(4 * 3600).getEpochSecond()).sign());
            config.put("p2pfs.test.leftover-chunk", leftoverId);
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
