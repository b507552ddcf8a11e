package io.p2pfs.metadata.policies;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Defaults that apply where no directory policy sets a value ({@code p2pfs.policies.*}, env
 * {@code P2PFS_POLICIES_*}). The default replication factor is {@code p2pfs.placement.replication-factor}.
 */
@ConfigMapping(prefix = "p2pfs.policies")
public interface PoliciesConfig {

    @WithDefault("FAIL")
    ConflictStrategy defaultConflictStrategy();

    /** How often retention is applied to files that are not being written. */
    @WithDefault("10m")
    java.time.Duration retentionSweepInterval();
}
