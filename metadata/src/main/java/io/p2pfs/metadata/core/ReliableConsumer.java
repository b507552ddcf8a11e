package io.p2pfs.metadata.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.kafka.KafkaClients;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * How the metadata service's Kafka consumers apply a record without ever losing one: the record
 * is acknowledged (its offset may be committed) only once its change committed, or once it sits
 * on the dead-letter topic with its error.
 *
 * <ul>
 * <li>A failure the database may get over (connection lost or refused, shutdown, serialization
 * failure, deadlock, lock timeout, too many connections) is retried with exponential back-off,
 * for as long as it takes: a database outage delays the records, never drops them, and the
 * partition keeps its order.
 * <li>Any other failure (a constraint the record violates, a bug) is retried a few times, then the
 * record goes to {@link Topics#METADATA_DLQ} with the channel, its topic, partition, offset and the
 * error, so an operator can see and replay it; the partition then moves on.
 * </ul>
 * Both are counted: {@code p2pfs_kafka_records_total{channel, outcome=retried|dead_lettered}}.
 */
@ApplicationScoped
public class ReliableConsumer {

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    private static final int ATTEMPTS_BEFORE_DEAD_LETTER = 5;

    private final MeterRegistry metrics;
    private final ObjectMapper json;
    private final KafkaProducer<String, String> deadLetters;

    public ReliableConsumer(KafkaClients kafka, ObjectMapper json, MeterRegistry metrics) {
        this.metrics = metrics;
        this.json = json;
        this.deadLetters = new KafkaProducer<>(kafka.producer("p2pfs-metadata-dead-letters"));
    }

    /**
     * Applies {@code message} with {@code work} (which opens its own transaction and answers
     * whether the record was understood) and acknowledges it by the rules above. Runs on the
     * caller's Vert.x context, retries included.
     */
    public Uni<Void> apply(String channel, Message<String> message, Supplier<Uni<Void>> work) {
        Context context = Vertx.currentContext();
        return attempt(channel, message, work, context, 1)
                .flatMap(v -> Uni.createFrom().completionStage(message::ack));
    }

    private Uni<Void> attempt(String channel, Message<String> message, Supplier<Uni<Void>> work, Context context,
            int attempt) {
        return Uni.createFrom().deferred(() -> work.get()).onFailure().recoverWithUni(failure -> {
            boolean transientFailure = isTransient(failure);
            if (!transientFailure && attempt >= ATTEMPTS_BEFORE_DEAD_LETTER) {
                return deadLetter(channel, message, failure, attempt, context);
            }
            Duration pause = backoff(attempt);
            metrics.counter("p2pfs_kafka_records_total", "channel", channel, "outcome", "retried").increment();
            Log.warnf("Record on %s not applied (attempt %d, %s): %s; retrying in %d ms", channel, attempt,
                    transientFailure ? "transient" : "will go to the dead-letter topic if it keeps failing",
                    rootMessage(failure), pause.toMillis());
            return later(pause, context).flatMap(v -> attempt(channel, message, work, context, attempt + 1));
        });
    }

    private Uni<Void> deadLetter(String channel, Message<String> message, Throwable failure, int attempts,
            Context context) {
        Map<String, Object> letter = new LinkedHashMap<>();
        letter.put("channel", channel);
        String key = null;
        var kafka = message.getMetadata(IncomingKafkaRecordMetadata.class);
        if (kafka.isPresent()) {
            IncomingKafkaRecordMetadata<?, ?> origin = kafka.get();
            letter.put("topic", origin.getTopic());
            letter.put("partition", origin.getPartition());
            letter.put("offset", origin.getOffset());
            key = origin.getKey() == null ? null : origin.getKey().toString();
        }
        letter.put("attempts", attempts);
        letter.put("error", rootMessage(failure));
        letter.put("failedAt", Instant.now().toString());
        letter.put("payload", message.getPayload());
        String value;
        try {
            value = json.writeValueAsString(letter);
        } catch (Exception e) {
            return Uni.createFrom().failure(e);
        }
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.METADATA_DLQ, key, value);
        Uni<Void> sent = Uni.createFrom().emitter(emitter -> deadLetters.send(record, (done, error) -> {
            if (error != null) {
                emitter.fail(error);
            } else {
                emitter.complete(null);
            }
        }));
        return onContext(sent, context)
                .invoke(() -> {
                    metrics.counter("p2pfs_kafka_records_total", "channel", channel, "outcome", "dead_lettered")
                            .increment();
                    Log.errorf("Record on %s could not be applied after %d attempts (%s); it is on %s", channel,
                            attempts, rootMessage(failure), Topics.METADATA_DLQ);
                })
                // Kafka itself not taking the letter: keep the record unacknowledged and try again.
                .onFailure().recoverWithUni(error -> later(MAX_BACKOFF, context)
                        .flatMap(v -> deadLetter(channel, message, failure, attempts, context)));
    }

    /** Failures a database may get over by itself; everything else is the record's or the code's fault. */
    static boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PgException pg && pg.getSqlState() != null) {
                String state = pg.getSqlState();
                return state.startsWith("08") || state.startsWith("53") || state.startsWith("57")
                        || state.equals("40001") || state.equals("40P01") || state.equals("55P03")
                        // "database is not currently accepting connections"
                        || state.equals("55000");
            }
            if (cause instanceof java.io.IOException || cause instanceof java.util.concurrent.TimeoutException
                    || cause instanceof io.vertx.sqlclient.ClosedConnectionException
                    || cause instanceof io.vertx.core.impl.NoStackTraceThrowable) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    static Duration backoff(int attempt) {
        long millis = FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 16);
        return Duration.ofMillis(Math.min(millis, MAX_BACKOFF.toMillis()));
    }

    private static Uni<Void> later(Duration pause, Context context) {
        return onContext(Uni.createFrom().voidItem().onItem().delayIt().by(pause), context);
    }

    /** Back on the record's Vert.x context, where its database session lives. */
    private static <T> Uni<T> onContext(Uni<T> work, Context context) {
        return context == null ? work : work.emitOn(task -> context.runOnContext(ignored -> task.run()));
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    @PreDestroy
    void close() {
        deadLetters.close(Duration.ofSeconds(5));
    }
}
