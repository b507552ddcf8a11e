package io.p2pfs.metadata.replicas;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Where chunks go and how transfers run: {@code p2pfs.placement}. */
@ConfigMapping(prefix = "p2pfs.placement")
public interface PlacementConfig {

    /** Default replication factor R (a directory policy may override it). */
    @WithDefault("3")
    int replicationFactor();

    /** Targets offered beyond the write quorum, for a client to fall back to when a write fails. */
    @WithDefault("2")
    int spares();

    /** The gateway's window of chunks between chunker and last replica write (memory bound). */
    @WithDefault("8")
    int chunksInFlight();

    /** The gateway's window of chunks read ahead on download (memory bound). */
    @WithDefault("12")
    int readsInFlight();

    /** How long one request to a storage node may stay idle. */
    @WithDefault("30s")
    Duration peerTimeout();
}
