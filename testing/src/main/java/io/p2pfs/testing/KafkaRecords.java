package io.p2pfs.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads what really is on a topic of the test broker, from its beginning. */
public final class KafkaRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    private KafkaRecords() {
    }

    /**
     * Publishes {@code values} in order with one key, straight to the test broker, as the tests'
     * super user (so on one partition, read in this order).
     */
    public static void publish(String topic, String key, List<String> values) {
        publishAs(KafkaBroker.ADMIN, topic, key, values);
    }

    /**
     * Publishes as {@code principal}, with only what the broker lets that principal do: a
     * refused write fails with an {@link IllegalStateException} caused by Kafka's authorization error.
     */
    public static void publishAs(String principal, String topic, String key, List<String> values) {
        Properties props = new Properties();
        props.putAll(KafkaBroker.shared().clientProperties(principal));
        props.put("max.block.ms", "15000");
        props.put("delivery.timeout.ms", "20000");
        props.put("request.timeout.ms", "10000");
        props.put("key.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        props.put("value.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(props)) {
            for (String value : values) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, key, value))
                        .get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not publish to " + topic, e);
        }
    }

    /** Every record on the topic now (waits briefly for the topic to exist). */
    public static List<ConsumerRecord<String, String>> all(String topic) {
        Properties props = new Properties();
        props.putAll(KafkaBroker.shared().clientProperties(KafkaBroker.ADMIN));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "p2pfs-test-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (partitions == null || partitions.isEmpty()) {
                return records;
            }
            List<TopicPartition> assigned = partitions.stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            var end = consumer.endOffsets(assigned);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (assigned.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** The CloudEvents on the topic whose JSON matches the predicate. */
    public static List<JsonNode> events(String topic, Predicate<JsonNode> filter) {
        return all(topic).stream().map(record -> parse(record.value())).filter(filter).toList();
    }

    /**
     * How many refusals the {@code access.denied} events stand for: anonymous ones are folded,
     * an event counting {@code details.count} of them (1 when absent).
     */
    public static long refusals(List<JsonNode> denials) {
        return denials.stream().mapToLong(e -> e.path("data").path("details").path("count").asLong(1)).sum();
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not JSON: " + json, e);
        }
    }
}
