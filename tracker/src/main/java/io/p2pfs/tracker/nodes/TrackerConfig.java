package io.p2pfs.tracker.nodes;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "p2pfs.tracker")
public interface TrackerConfig {

    /** How often a node must heartbeat; told to the node at registration. */
    @WithDefault("10s")
    Duration heartbeatInterval();

    /** A node that misses this many heartbeats in a row becomes DOWN. */
    @WithDefault("3")
    int missedHeartbeats();

    /** How often the liveness sweep runs (on one replica at a time). */
    @WithDefault("2s")
    Duration livenessCheckInterval();

    default Duration downAfter() {
        return heartbeatInterval().multipliedBy(missedHeartbeats());
    }
}
