package io.p2pfs.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A storage peer (the built peer-agent jar) as a child process for tests: plain HTTP on a port
 * known before it starts (its public URL), chunks in {@code dataDir}, registered with the shared
 * {@link TestTracker} under a node token, fetching chunk-token keys from {@code metadataUrl}.
 * Restarted on the same port and folder it keeps its node id and chunks.
 */
public final class TestPeerProcess {

    private TestPeerProcess() {
    }

    public static ServiceProcess start(String zone, int port, Path dataDir, String metadataUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_HTTP_INSECURE_REQUESTS", "enabled");
        env.put("QUARKUS_HTTP_SSL_PORT", "0");
        env.put("QUARKUS_OIDC_PUBLIC_KEY", TestTokens.publicKeyBase64());
        env.put("QUARKUS_OIDC_TOKEN_ISSUER", TestTokens.ISSUER);
        env.put("QUARKUS_OIDC_TOKEN_AUDIENCE", TestTokens.AUDIENCE);
        env.put("QUARKUS_OIDC_CLIENT_CLIENT_ENABLED", "false");
        env.put("P2PFS_PEER_ZONE", zone);
        env.put("P2PFS_PEER_DATA_DIR", dataDir.toString());
        env.put("P2PFS_PEER_CAPACITY_BYTES", Long.toString(16L << 30));
        env.put("P2PFS_PEER_PUBLIC_URL", "http://127.0.0.1:" + port);
        env.put("P2PFS_TRACKER_URL", TestTracker.shared().url());
        env.put("P2PFS_METADATA_URL", metadataUrl);
        env.put("P2PFS_PEER_MEMBERSHIP_STATIC_BEARER_TOKEN", TestTokens.node()
                .claim("exp", Instant.now().plusSeconds(4 * 3600).getEpochSecond()).sign());
        env.put("P2PFS_PEER_PLACEMENT_INITIAL_BACKOFF", "100ms");
        env.put("P2PFS_PEER_PLACEMENT_MAX_BACKOFF", "500ms");
        env.put("P2PFS_PEER_PLACEMENT_MAX_ATTEMPTS", "3");
        env.put("P2PFS_PEER_INVENTORY_INTERVAL", "2s");
        return ServiceProcess.start("peer-agent", env, Duration.ofSeconds(180));
    }
}
