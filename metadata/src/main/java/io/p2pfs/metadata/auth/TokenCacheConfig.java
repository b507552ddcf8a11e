package io.p2pfs.metadata.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How long and how many verified bearer tokens are kept: {@code p2pfs.auth.token-cache}. */
@ConfigMapping(prefix = "p2pfs.auth.token-cache")
public interface TokenCacheConfig {

    /** Tokens kept at most (0: every request's token is verified). */
    @WithDefault("10000")
    int maxEntries();

    /** The longest a verification is kept, even for a token that lives longer. */
    @WithDefault("5m")
    Duration maxAge();
}
