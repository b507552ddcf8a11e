package io.p2pfs.audit.ingest;

import io.p2pfs.audit.entry.AuditEntry;
import io.p2pfs.audit.log.LogIntegrityException;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.kafka.KafkaClients;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the six audited topics and appends their events to the log, one poll = one batch.
 *
 * <p>Per batch: malformed records go to the dead-letter topic (acknowledged by the broker), the
 * rest are appended in one database transaction, and only then are the batch's offsets committed
 * ({@code enable.auto.commit=false}); the next batch is parsed while one is being written. A failure anywhere rewinds to the batch start and retries
 * with backoff, so nothing is skipped; redelivery after a crash between the database commit and
 * the offset commit is harmless because the store skips stored event ids. A malformed record is
 * never retried: it is dead-lettered once and its partition moves on.
 *
 * <p>Runs on its own platform thread: the Kafka consumer is a blocking, single-threaded API.
 */
@ApplicationScoped
public class AuditIngest {

    /**
     * The topics whose events form the audit log. From the confirmations topic, where the peers
     * write (and may write nothing else), only their access events count; its chunk events are
     * the metadata service's.
     */
    public static final List<String> TOPICS = List.of(Topics.USERS, Topics.NODES, Topics.FILES, Topics.LOCKS,
            Topics.ACLS, Topics.ACCESS, Topics.CHUNK_CONFIRMATIONS);

    private static final Duration DATABASE_TIMEOUT = Duration.ofSeconds(60);

    private final IngestConfig config;
    private final KafkaClients kafka;
    private final AuditStore store;
    private final DeadLetters deadLetters;
    private final IngestMetrics metrics;
    private final ConcurrentLinkedQueue<String> replayRequests = new ConcurrentLinkedQueue<>();
    private final AtomicLong consumed = new AtomicLong();
    private volatile boolean running;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread worker;

    public AuditIngest(IngestConfig config, KafkaClients kafka, AuditStore store, DeadLetters deadLetters,
            IngestMetrics metrics) {
        this.config = config;
        this.kafka = kafka;
        this.store = store;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    void start(@Observes StartupEvent startup) {
        if (!config.enabled()) {
            Log.info("Audit ingest disabled on this replica");
            return;
        }
        running = true;
        worker = Thread.ofPlatform().name("audit-ingest").start(this::run);
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        running = false;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (worker != null) {
            worker.join(Duration.ofSeconds(15));
        }
    }

    /**
     * Reads the topic again from its first record (safe: stored events are skipped). Takes
     * effect on the consumer thread once it holds partitions of the topic.
     */
    public void replayFromStart(String topic) {
        replayRequests.add(topic);
    }

    /** Records taken from Kafka since start, valid or not, new or duplicate. */
    public long consumedCount() {
        return consumed.get();
    }

    /** A batch whose append is under way: what to commit once it is stored, or to read again if it fails. */
    private record InFlight(ConsumerRecords<byte[], byte[]> records, List<AuditEntry> accepted,
            CompletableFuture<AuditStore.Appended> append) {
    }

    /**
     * Batch k+1 is parsed, canonicalised and hashed on this thread while batch k is written to
     * the database; k's offsets are committed once it is stored, before k+1's write starts. A
     * failure rewinds to the start of both (the store skips what was stored meanwhile).
     */
    private void run() {
        Duration backoff = Duration.ofMillis(200);
        foldMigratedRows();
        InFlight inFlight = null;
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(consumerProperties())) {
            consumer = reader;
            reader.subscribe(TOPICS);
            while (running) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    seekRequestedReplays(reader);
                    records = reader.poll(inFlight == null ? config.pollTimeout() : Duration.ZERO);
                    reportLag(reader);
                } catch (WakeupException e) {
                    break;
                }
                if (records.isEmpty() && inFlight == null) {
                    continue;
                }
                try {
                    long parseStart = System.nanoTime();
                    List<AuditEntry> accepted = records.isEmpty() ? List.of() : parse(records);
                    if (!records.isEmpty()) {
                        metrics.parsed(System.nanoTime() - parseStart);
                    }
                    if (inFlight != null) {
                        finish(reader, inFlight);
                        inFlight = null;
                        backoff = Duration.ofMillis(200);
                    }
                    if (!records.isEmpty()) {
                        long appendStart = System.nanoTime();
                        inFlight = new InFlight(records, accepted, store.append(accepted)
                                .invoke(done -> metrics.appended(System.nanoTime() - appendStart))
                                .subscribeAsCompletionStage());
                    }
                } catch (WakeupException e) {
                    break;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (Exception e) {
                    if (!running) {
                        break;
                    }
                    int count = records.count() + (inFlight == null ? 0 : inFlight.records().count());
                    if (e instanceof LogIntegrityException) {
                        Log.errorf("Audit batch of %d records not stored: %s; retrying in %s", count, e.getMessage(),
                                backoff);
                    } else {
                        Log.warnf("Audit batch of %d records not stored (%s); retrying in %s", count, rootMessage(e),
                                backoff);
                    }
                    rewind(reader, records);
                    if (inFlight != null) {
                        // its records come first on every partition they share with this batch
                        rewind(reader, inFlight.records());
                        inFlight = null;
                    }
                    pause(backoff);
                    backoff = longer(backoff);
                }
            }
            if (inFlight != null) {
                try {
                    finish(reader, inFlight);
                } catch (Exception e) {
                    Log.infof("The last audit batch was not confirmed before stopping (%s); it is read again at start",
                            rootMessage(e));
                }
            }
        } catch (Exception e) {
            Log.errorf(e, "Audit ingest stopped");
        } finally {
            consumer = null;
        }
    }

    /** Waits for a batch's append (event by event if the database refused its content), then commits its offsets. */
    private void finish(KafkaConsumer<byte[], byte[]> reader, InFlight inFlight) throws Exception {
        try {
            count(inFlight.append().get(DATABASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PgException pg && isDataError(pg)) {
                appendOneByOne(inFlight.records(), inFlight.accepted());
            } else if (e.getCause() instanceof Exception cause) {
                throw cause;
            } else {
                throw e;
            }
        }
        reader.commitSync(nextOffsets(inFlight.records()));
        consumed.addAndGet(inFlight.records().count());
    }

    /** Rows a migration brought over from the former hash chain join the tree before anything new. */
    private void foldMigratedRows() {
        Duration backoff = Duration.ofMillis(200);
        while (running) {
            try {
                while (running && store.foldMigratedPage().await().atMost(DATABASE_TIMEOUT)) {
                    backoff = Duration.ofMillis(200);
                }
                return;
            } catch (RuntimeException e) {
                Log.warnf("Folding migrated audit rows into the tree failed (%s); retrying in %s", rootMessage(e), backoff);
                pause(backoff);
                backoff = longer(backoff);
            }
        }
    }

    /** The batch's valid entries; the malformed ones are dead-lettered (and acknowledged) here. */
    private List<AuditEntry> parse(ConsumerRecords<byte[], byte[]> records) throws Exception {
        List<AuditEntry> accepted = new ArrayList<>(records.count());
        List<DeadLetters.Rejection> rejected = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            try {
                if (record.topic().equals(Topics.CHUNK_CONFIRMATIONS)) {
                    AuditEntry.ifAccessEvent(record.value()).ifPresent(accepted::add);
                    continue;
                }
                accepted.add(AuditEntry.fromRecord(record.value()));
            } catch (AuditEntry.Malformed malformed) {
                rejected.add(new DeadLetters.Rejection(record, malformed.getMessage()));
            }
        }
        if (!rejected.isEmpty()) {
            deadLetters.send(rejected);
            rejected.forEach(rejection -> {
                Log.warnf("Dead-lettered %s-%d@%d: %s", rejection.record().topic(), rejection.record().partition(),
                        rejection.record().offset(), rejection.reason());
                metrics.deadLettered(rejection.reason());
            });
        }
        return accepted;
    }

    /**
     * A batch the database refused for its content (a value PostgreSQL cannot store or index)
     * is appended event by event, and only the events it refuses are dead-lettered: one bad
     * event never blocks its partition.
     */
    private void appendOneByOne(ConsumerRecords<byte[], byte[]> records, List<AuditEntry> accepted) throws Exception {
        for (AuditEntry entry : accepted) {
            try {
                count(store.append(List.of(entry)).await().atMost(DATABASE_TIMEOUT));
            } catch (PgException e) {
                if (!isDataError(e)) {
                    throw e;
                }
                String reason = "refused by the database: SQLSTATE " + e.getSqlState();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (entry.eventId().equals(idOf(record))) {
                        deadLetters.send(List.of(new DeadLetters.Rejection(record, reason)));
                        metrics.deadLettered(reason);
                    }
                }
            }
        }
    }

    private void count(AuditStore.Appended appended) {
        metrics.stored(appended.stored());
        metrics.duplicates(appended.duplicates());
    }

    private static String idOf(ConsumerRecord<byte[], byte[]> record) {
        try {
            return AuditEntry.fromRecord(record.value()).eventId();
        } catch (AuditEntry.Malformed e) {
            return null;
        }
    }

    /** SQLSTATE classes 22 (data exception) and 54 (program limit, e.g. index row size). */
    private static boolean isDataError(PgException e) {
        String state = e.getSqlState();
        return state != null && (state.startsWith("22") || state.startsWith("54"));
    }

    private void seekRequestedReplays(KafkaConsumer<byte[], byte[]> reader) {
        List<String> pending = new ArrayList<>();
        String topic;
        while ((topic = replayRequests.poll()) != null) {
            String requested = topic;
            List<TopicPartition> partitions = reader.assignment().stream()
                    .filter(tp -> tp.topic().equals(requested)).toList();
            if (partitions.isEmpty()) {
                pending.add(requested);
            } else {
                Log.infof("Replaying %s from the start", requested);
                reader.seekToBeginning(partitions);
            }
        }
        replayRequests.addAll(pending);
    }

    private void reportLag(KafkaConsumer<byte[], byte[]> reader) {
        Map<String, Long> perTopic = new HashMap<>();
        TOPICS.forEach(topic -> perTopic.put(topic, 0L));
        Set<TopicPartition> assigned = reader.assignment();
        for (TopicPartition partition : assigned) {
            reader.currentLag(partition).ifPresent(lag -> perTopic.merge(partition.topic(), lag, Long::sum));
        }
        perTopic.forEach(metrics::lag);
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> inPartition = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(inPartition.get(inPartition.size() - 1).offset() + 1));
        }
        return offsets;
    }

    private static void rewind(KafkaConsumer<byte[], byte[]> reader, ConsumerRecords<byte[], byte[]> records) {
        Set<TopicPartition> assigned = reader.assignment();
        for (TopicPartition partition : records.partitions()) {
            if (assigned.contains(partition)) {
                reader.seek(partition, records.records(partition).get(0).offset());
            }
        }
    }

    private Properties consumerProperties() {
        Properties props = kafka.consumer(config.groupId(), "audit-ingest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config.maxBatch()));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    /** The next pause: twice the last, at most {@code max-backoff}. */
    private Duration longer(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : doubled;
    }

    private void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
