package io.p2pfs.common.kafka;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

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

    /** An idempotent producer of CloudEvent JSON strings. */
    default Properties producerProperties(String clientId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // One request in flight: a partition that answers NOT_LEADER_OR_FOLLOWER to one batch
        // (a freshly created or moving partition) and accepts the next would otherwise leave the
        // first retrying with an out-of-order sequence until its delivery timeout.
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(deliveryTimeout().toMillis()));
        return props;
    }
}
