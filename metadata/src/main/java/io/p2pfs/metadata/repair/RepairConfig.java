package io.p2pfs.metadata.repair;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How the store heals: {@code p2pfs.repair}. */
@ConfigMapping(prefix = "p2pfs.repair")
public interface RepairConfig {

    /** Whether this replica takes part in the election of the repair worker. */
    @WithDefault("true")
    boolean enabled();

    /** How often the elected worker looks at node changes and takes a batch off the queue. */
    @WithDefault("5s")
    Duration interval();

    /**
     * How long a node may stay DOWN before its replicas are given up for lost and copied
     * elsewhere; a node back within it moves nothing.
     */
    @WithDefault("10m")
    Duration grace();

    /** Chunks taken off the queue per round. */
    @WithDefault("200")
    int batch();

    /** Copies in flight to one node (pending placements it was asked to pull), and from one source per round. */
    @WithDefault("8")
    int copiesPerNode();

    /** Bytes per second repair may ask the nodes to copy, over all nodes. */
    @WithDefault("64M")
    io.quarkus.runtime.configuration.MemorySize bytesPerSecond();

    /** A requested copy not confirmed within this is given up and the chunk queued again. */
    @WithDefault("5m")
    Duration placementTimeout();

    /** How long a chunk that could not be repaired now (no source, no target, limits) waits before the next try. */
    @WithDefault("30s")
    Duration retryAfter();

    /** How often the replication gauges are recomputed. */
    @WithDefault("30s")
    Duration healthInterval();
}
