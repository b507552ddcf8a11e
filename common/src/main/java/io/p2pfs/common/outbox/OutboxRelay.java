package io.p2pfs.common.outbox;

import io.p2pfs.common.kafka.KafkaClients;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes outbox rows to Kafka and deletes each row once the broker acknowledged it.
 *
 * <p>Guarantees: an event is published only after the transaction that wrote it committed
 * (it is invisible before), and is never lost while Kafka is down (its row stays until
 * acknowledged). The producer is idempotent ({@code enable.idempotence}, {@code acks=all}),
 * so its internal retries during a broker outage add no duplicates. A row is deleted exactly
 * when its own send succeeded; a duplicate can only arise if this process dies between the
 * broker's acknowledgement and the delete's commit, and consumers deduplicate by event id.
 *
 * <p>Only one relay publishes at a time across replicas: each batch runs in a transaction
 * holding a PostgreSQL advisory lock, so per-key order follows outbox order.
 *
 * <p>Runs on its own thread because a producer blocks while the broker is unreachable.
 */
@ApplicationScoped
public class OutboxRelay {

    /** Advisory lock key: the relay's single-writer token. */
    static final long RELAY_LOCK = 0x7032_7066_736f_7574L;

    private final Pool pool;
    private final OutboxConfig config;
    private final KafkaClients kafka;
    private final Object signal = new Object();
    private final AtomicLong published = new AtomicLong();
    private static final int EAGER_POLLS = 5;
    private static final Duration EAGER_PAUSE = Duration.ofMillis(15);
    private volatile boolean woken;
    private int eagerPolls;
    private volatile boolean running;
    private Thread worker;

    public OutboxRelay(Pool pool, OutboxConfig config, KafkaClients kafka) {
        this.pool = pool;
        this.config = config;
        this.kafka = kafka;
    }

    void start(@Observes StartupEvent startup) {
        if (!config.relayEnabled()) {
            Log.info("Outbox relay disabled on this replica");
            return;
        }
        running = true;
        worker = Thread.ofPlatform().name("outbox-relay").daemon().start(this::run);
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        running = false;
        if (worker != null) {
            wake();
            worker.join(Duration.ofSeconds(10));
        }
    }

    /** Asks the relay to look for new events now rather than at its next poll. */
    public void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    /** Events published since start (for metrics and tests). */
    public long publishedCount() {
        return published.get();
    }

    private void run() {
        Duration backoff = config.pollInterval();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.producer("outbox-relay"))) {
            while (running) {
                try {
                    int sent = relayBatch(producer);
                    backoff = config.pollInterval();
                    if (sent > 0) {
                        eagerPolls = EAGER_POLLS;
                    }
                    if (sent < config.batchSize()) {
                        // A wake comes when an event is written, which is before its transaction
                        // commits: look again soon a few times rather than a whole interval later.
                        pause(eagerPolls-- > 0 ? EAGER_PAUSE : config.pollInterval());
                    }
                } catch (Exception e) {
                    if (!running) {
                        break;
                    }
                    Log.warnf("Outbox relay could not publish (%s); retrying in %s", rootMessage(e), backoff);
                    pause(backoff);
                    backoff = min(backoff.multipliedBy(2), config.maxBackoff());
                }
            }
        }
    }

    /** One transaction: lock, read a batch, publish, delete what the broker acknowledged. */
    int relayBatch(KafkaProducer<String, String> producer) throws InterruptedException {
        SqlConnection connection = pool.getConnection().await().atMost(Duration.ofSeconds(30));
        try {
            Transaction tx = connection.begin().await().atMost(Duration.ofSeconds(30));
            try {
                boolean leader = connection.preparedQuery("SELECT pg_try_advisory_xact_lock($1)")
                        .execute(Tuple.of(RELAY_LOCK)).await().atMost(Duration.ofSeconds(30))
                        .iterator().next().getBoolean(0);
                if (!leader) {
                    tx.rollback().await().atMost(Duration.ofSeconds(30));
                    return 0;
                }
                List<Long> ids = new ArrayList<>();
                List<Future<RecordMetadata>> sends = new ArrayList<>();
                for (Row row : connection.preparedQuery(
                        "SELECT id, topic, record_key, payload FROM outbox ORDER BY id LIMIT $1")
                        .execute(Tuple.of(config.batchSize())).await().atMost(Duration.ofSeconds(30))) {
                    ids.add(row.getLong("id"));
                    sends.add(producer.send(new ProducerRecord<>(row.getString("topic"), row.getString("record_key"),
                            row.getString("payload"))));
                }
                if (ids.isEmpty()) {
                    tx.commit().await().atMost(Duration.ofSeconds(30));
                    return 0;
                }
                producer.flush();
                List<Long> acknowledged = new ArrayList<>();
                Exception firstFailure = null;
                for (int i = 0; i < sends.size(); i++) {
                    try {
                        sends.get(i).get(kafka.settings().deliveryTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
                        acknowledged.add(ids.get(i));
                    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                        if (firstFailure == null) {
                            firstFailure = e;
                        }
                    }
                }
                if (!acknowledged.isEmpty()) {
                    connection.preparedQuery("DELETE FROM outbox WHERE id = ANY($1)")
                            .execute(Tuple.of(acknowledged.toArray(new Long[0]))).await()
                            .atMost(Duration.ofSeconds(30));
                }
                tx.commit().await().atMost(Duration.ofSeconds(30));
                published.addAndGet(acknowledged.size());
                if (firstFailure != null) {
                    throw new IllegalStateException("broker refused or timed out", firstFailure);
                }
                return acknowledged.size();
            } catch (RuntimeException | InterruptedException e) {
                tx.rollback().onFailure().recoverWithNull().await().atMost(Duration.ofSeconds(30));
                throw e;
            }
        } finally {
            connection.close().onFailure().recoverWithNull().await().atMost(Duration.ofSeconds(30));
        }
    }

    private void pause(Duration duration) {
        synchronized (signal) {
            if (!woken && running) {
                try {
                    signal.wait(Math.max(1, duration.toMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
            if (woken) {
                eagerPolls = EAGER_POLLS;
            }
            woken = false;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
