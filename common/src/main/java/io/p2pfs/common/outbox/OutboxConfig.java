package io.p2pfs.common.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "p2pfs.outbox")
public interface OutboxConfig {

    /** Whether this replica runs a relay (only one relay publishes at a time anyway). */
    @WithDefault("true")
    boolean relayEnabled();

    /** How often the relay looks for new events when nobody woke it. */
    @WithDefault("200ms")
    Duration pollInterval();

    /** Events published per transaction. */
    @WithDefault("500")
    int batchSize();

    /** Longest pause between attempts while Kafka or the database is unavailable. */
    @WithDefault("5s")
    Duration maxBackoff();

    /** The CloudEvents {@code source} of this service's events. */
    @WithDefault("/p2pfs/${quarkus.application.name}")
    String source();
}
