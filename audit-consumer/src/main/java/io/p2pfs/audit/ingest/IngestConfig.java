package io.p2pfs.audit.ingest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How the audit consumer reads the event topics ({@code P2PFS_AUDIT_INGEST_*}). */
@ConfigMapping(prefix = "p2pfs.audit.ingest")
public interface IngestConfig {

    /** Whether this replica consumes (replicas that only serve search may turn it off). */
    @WithDefault("true")
    boolean enabled();

    /** The Kafka consumer group: all replicas share it, so each partition has one reader. */
    @WithDefault("p2pfs-audit")
    String groupId();

    /** Most records taken per poll, and so per database transaction. */
    @WithDefault("2000")
    int maxBatch();

    /** How long one poll waits for records. */
    @WithDefault("500ms")
    Duration pollTimeout();

    /** Longest pause between retries while the database or the dead-letter topic fails. */
    @WithDefault("5s")
    Duration maxBackoff();
}
