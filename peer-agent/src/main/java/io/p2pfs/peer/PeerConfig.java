package io.p2pfs.peer;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of one peer agent. Every key is overridable by environment
 * ({@code p2pfs.peer.data-dir} ← {@code P2PFS_PEER_DATA_DIR}); {@code application.properties}
 * also maps the local stack's {@code P2PFS_TRACKER_URL}, {@code P2PFS_METADATA_URL} and
 * {@code P2PFS_TLS_CA} onto the keys below.
 */
@ConfigMapping(prefix = "p2pfs.peer")
public interface PeerConfig {

    /** Failure zone this node lives in (placement prefers distinct zones). */
    String zone();

    /** Where chunks live: {@code chunks/}, {@code tmp/}, {@code quarantine/} below it. */
    Path dataDir();

    /** Bytes of chunk data this node accepts in total (507 beyond). */
    long capacityBytes();

    /** The URL other nodes and the metadata service reach this node at (sent to the tracker). */
    String publicUrl();

    /** Base URL of the tracker (registration, heartbeats). */
    String trackerUrl();

    /** Base URL of the metadata service; its chunk-token keys are at {@code /.well-known/jwks.json}. */
    String metadataUrl();

    /** PEM file of the CA that outgoing HTTPS (tracker, metadata JWKS, source peers) must chain to. */
    Optional<Path> tlsCa();

    Chunks chunks();

    Membership membership();

    Placement placement();

    Scrub scrub();

    Inventory inventory();

    interface Chunks {
        /** Largest accepted body: 4 MiB (the largest chunk) plus the 16-byte GCM tag. */
        @WithDefault("4194320")
        long maxBytes();

        /** Force each chunk to disk before acknowledging it. Off only for throwaway benchmarks. */
        @WithDefault("true")
        boolean fsync();

        /** How long fetched chunk-token keys are cached before a scheduled refresh. */
        @WithDefault("10")
        int jwksRefreshMinutes();

        /** Least time between refreshes forced by an unknown key id (a key rotation). */
        @WithDefault("1")
        int jwksForcedRefreshMinutes();
    }

    interface Membership {
        /** Register and heartbeat at all (off only in tests of the chunk store alone). */
        @WithDefault("true")
        boolean enabled();

        /**
         * A fixed bearer token for the tracker instead of OIDC client credentials. For tests
         * only, where no Keycloak runs.
         */
        Optional<String> staticBearerToken();

        /**
         * With membership off: the node id to answer to (a stand-alone peer, e.g. for
         * benchmarks). Ignored when the node registers.
         */
        Optional<String> standaloneNodeId();

        /** Pause between attempts while the tracker is unreachable. */
        @WithDefault("2s")
        Duration retryPause();
    }

    interface Placement {
        @WithDefault("true")
        boolean enabled();

        /** Pulls of one chunk before {@code chunk.placement-failed}. */
        @WithDefault("5")
        int maxAttempts();

        @WithDefault("500ms")
        Duration initialBackoff();

        @WithDefault("15s")
        Duration maxBackoff();

        /** How long one pull from a source node may take. */
        @WithDefault("60s")
        Duration pullTimeout();
    }

    interface Inventory {
        /** Report what this node holds to the metadata service at all. */
        @WithDefault("true")
        boolean enabled();

        /** Pause between two reports of the whole inventory. */
        @WithDefault("1h")
        Duration interval();
    }

    interface Scrub {
        @WithDefault("true")
        boolean enabled();

        /** Re-hashing speed limit, so scrubbing never starves chunk traffic of disk bandwidth. */
        @WithDefault("10")
        double rateMbPerSecond();

        /** Pause after a full pass over the inventory. */
        @WithDefault("6h")
        Duration pauseBetweenPasses();
    }
}
