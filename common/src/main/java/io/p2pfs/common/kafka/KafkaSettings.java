package io.p2pfs.common.kafka;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;

/** How this service reaches Kafka and which topics it creates. */
@ConfigMapping(prefix = "p2pfs.kafka")
public interface KafkaSettings {

    /** Defaults to the standard {@code kafka.bootstrap.servers} every Kafka extension reads. */
    @WithName("bootstrap-servers")
    @WithDefault("${kafka.bootstrap.servers:localhost:9092}")
    String bootstrapServers();

    /** Create the system's topics at start-up when they are missing. */
    @WithDefault("true")
    boolean createTopics();

    /** Partitions of a topic this service creates. */
    @WithDefault("6")
    int partitions();

    /** Partitions of the placement topic: a peer reads the one its node id maps to. */
    @WithDefault("12")
    int placementPartitions();

    @WithDefault("1")
    short replicationFactor();

    /** How long a send may wait for an acknowledgement before it counts as failed. */
    @WithDefault("30s")
    Duration deliveryTimeout();
}
