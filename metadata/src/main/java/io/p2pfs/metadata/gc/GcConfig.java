package io.p2pfs.metadata.gc;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Garbage collection: {@code p2pfs.gc}. */
@ConfigMapping(prefix = "p2pfs.gc")
public interface GcConfig {

    /** Whether this replica takes part in the election of the collector. */
    @WithDefault("true")
    boolean enabled();

    /** How often the elected collector runs a round. */
    @WithDefault("1m")
    Duration interval();

    /**
     * How long a chunk stays after nothing references it any more (a deleted file, an expired
     * version), and an ended upload's leftovers after it ended, before they are deleted.
     */
    @WithDefault("1h")
    Duration grace();

    /**
     * How far the clocks of the storage nodes and of this service may differ. A delete spares a
     * copy its node wrote less than this before the decision, and a node's report counts a chunk
     * as lost only when its replica was confirmed longer than this before the node listed its chunks.
     */
    @WithDefault("5m")
    Duration nodeClockSkew();

    /** Chunks (and ended uploads) handled per round. */
    @WithDefault("500")
    int batch();
}
