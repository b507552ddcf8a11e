package io.p2pfs.metadata.users;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Where the tracker answers ({@code p2pfs.tracker}); asked when a caller's registration is not known yet. */
@ConfigMapping(prefix = "p2pfs.tracker")
public interface TrackerConfig {

    @WithDefault("https://localhost:8441")
    String url();

    @WithDefault("5s")
    Duration timeout();
}
