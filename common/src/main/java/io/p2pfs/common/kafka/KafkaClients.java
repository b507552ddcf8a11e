package io.p2pfs.common.kafka;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Properties for the Kafka clients this service builds by hand (the outbox relay, the peers'
 * placement consumer and confirmation producer, the audit ingest).
 *
 * <p>They connect exactly as the SmallRye channels do: the connection settings come from the
 * same {@code kafka.*} configuration (environment {@code KAFKA_SECURITY_PROTOCOL},
 * {@code KAFKA_SASL_MECHANISM}, {@code KAFKA_SASL_JAAS_CONFIG}, {@code KAFKA_SSL_TRUSTSTORE_*},
 * ...), so a broker that needs TLS and SASL is configured once for every client of the service.
 * Only settings that say how to reach and authenticate to the broker are taken from there; what a
 * client does (idempotence, acknowledgements, offsets) stays as each client sets it.
 */
@ApplicationScoped
public class KafkaClients {

    private final KafkaSettings settings;
    private final Map<String, String> connection;

    public KafkaClients(KafkaSettings settings, @Identifier("default-kafka-broker") Map<String, Object> broker) {
        this.settings = settings;
        this.connection = connectionSettings(broker);
    }

    public KafkaSettings settings() {
        return settings;
    }

    /**
     * The entries of the service's {@code kafka.*} configuration that describe the connection:
     * {@code security.protocol}, {@code sasl.*}, {@code ssl.*}. Sorted, for stable logs and tests.
     */
    private static Map<String, String> connectionSettings(Map<String, ?> broker) {
        Map<String, String> kept = new TreeMap<>();
        broker.forEach((key, value) -> {
            if (value != null && !value.toString().isEmpty() && isConnectionSetting(key)) {
                kept.put(key, value.toString());
            }
        });
        return Map.copyOf(kept);
    }

    static boolean isConnectionSetting(String key) {
        return key.equals(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG) || key.startsWith("sasl.")
                || key.startsWith("ssl.");
    }

    /** An idempotent producer of CloudEvent JSON strings. */
    public Properties producer(String clientId) {
        Properties props = base();
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
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(settings.deliveryTimeout().toMillis()));
        return props;
    }

    /** A consumer that commits its offsets itself, from the earliest record of a new group. */
    public Properties consumer(String groupId, String clientId) {
        Properties props = base();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return props;
    }

    public Properties admin() {
        Properties props = base();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        return props;
    }

    private Properties base() {
        Properties props = new Properties();
        props.putAll(connection);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        return props;
    }
}
