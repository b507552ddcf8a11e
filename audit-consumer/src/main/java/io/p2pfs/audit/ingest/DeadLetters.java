package io.p2pfs.audit.ingest;

import io.p2pfs.common.events.Topics;
import io.p2pfs.common.kafka.KafkaClients;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Forwards malformed records to {@code p2pfs.audit.dlq}: the original key and value unchanged
 * (so a fixed consumer can replay them), with headers saying why and where from:
 * {@code dead-letter-reason}, {@code dead-letter-topic}, {@code dead-letter-partition},
 * {@code dead-letter-offset}.
 */
@ApplicationScoped
public class DeadLetters {

    public static final String REASON = "dead-letter-reason";
    public static final String TOPIC = "dead-letter-topic";
    public static final String PARTITION = "dead-letter-partition";
    public static final String OFFSET = "dead-letter-offset";

    private final KafkaClients kafka;
    private KafkaProducer<byte[], byte[]> producer;

    public DeadLetters(KafkaClients kafka) {
        this.kafka = kafka;
    }

    /** A record that cannot enter the log, and why. */
    public record Rejection(ConsumerRecord<byte[], byte[]> record, String reason) {
    }

    /** Sends and waits until the broker acknowledged every one (called on the ingest thread). */
    public void send(List<Rejection> rejections) throws ExecutionException, InterruptedException, TimeoutException {
        KafkaProducer<byte[], byte[]> sender = producer();
        List<Future<RecordMetadata>> sends = new ArrayList<>(rejections.size());
        for (Rejection rejection : rejections) {
            ConsumerRecord<byte[], byte[]> origin = rejection.record();
            RecordHeaders headers = new RecordHeaders();
            headers.add(REASON, utf8(rejection.reason()));
            headers.add(TOPIC, utf8(origin.topic()));
            headers.add(PARTITION, utf8(Integer.toString(origin.partition())));
            headers.add(OFFSET, utf8(Long.toString(origin.offset())));
            sends.add(sender.send(new ProducerRecord<>(Topics.AUDIT_DLQ, null, origin.key(), origin.value(), headers)));
        }
        sender.flush();
        for (Future<RecordMetadata> send : sends) {
            send.get(kafka.settings().deliveryTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            Properties props = kafka.producer("audit-dead-letters");
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            producer = new KafkaProducer<>(props);
        }
        return producer;
    }

    synchronized void close(@Observes ShutdownEvent shutdown) {
        if (producer != null) {
            producer.close();
            producer = null;
        }
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
