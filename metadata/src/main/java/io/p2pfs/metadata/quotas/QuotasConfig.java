package io.p2pfs.metadata.quotas;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Storage limits ({@code p2pfs.quotas.*}, env {@code P2PFS_QUOTAS_*}). */
@ConfigMapping(prefix = "p2pfs.quotas")
public interface QuotasConfig {

    /**
     * The limit of every user an administrator has set none for, in logical bytes (binary
     * suffixes: {@code 100G}); {@code 0} means no limit.
     */
    @WithDefault("100G")
    MemorySize defaultBytes();
}
