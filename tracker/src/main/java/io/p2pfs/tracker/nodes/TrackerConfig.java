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

    /** How far from the tracker's clock a node's signed proof (registration, heartbeat) may be. */
    @WithDefault("300s")
    Duration proofWindow();

    /** The largest capacity a node may claim; a larger claim is capped to it (placement weighs by it). */
    @WithDefault("64T")
    io.quarkus.runtime.configuration.MemorySize maxCapacity();

    /** The zones nodes may name (comma-separated); {@code *}: any zone that is a valid name. */
    @WithDefault("*")
    java.util.Set<String> zones();

    /** Accept {@code http://} node URLs (tests and development only; nodes serve HTTPS everywhere else). */
    @WithDefault("false")
    boolean allowHttpNodes();

    default Duration downAfter() {
        return heartbeatInterval().multipliedBy(missedHeartbeats());
    }
}
