package io.p2pfs.metadata.locks;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Lock settings ({@code p2pfs.locks.*}, env {@code P2PFS_LOCKS_*}). */
@ConfigMapping(prefix = "p2pfs.locks")
public interface LocksConfig {

    /** TTL of a lock whose request names none (1–3600 s). */
    @WithDefault("300")
    int defaultTtlSeconds();

    /** How often a replica looks for expired locks to delete and announce ({@code lock.expired}). */
    @WithDefault("1s")
    Duration sweepInterval();

    /** Expired locks one sweep handles at most. */
    @WithDefault("100")
    int sweepBatch();
}
