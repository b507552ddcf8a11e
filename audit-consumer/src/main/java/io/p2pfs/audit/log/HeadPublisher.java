package io.p2pfs.audit.log;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.p2pfs.common.audit.Merkle;
import io.p2pfs.common.audit.TreeHead;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.kafka.KafkaClients;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Signs and publishes tree heads: every {@code head-interval} when the log grew (and at least
 * every {@code head-max-age}), and on demand. A head goes to the database, to the
 * {@code p2pfs.audit.tree-heads} topic and to the heads directory.
 *
 * <p>Before signing, the stored tree must still contain the newest head published before (from
 * the database or the heads directory, whichever is larger): the same root at that size, no
 * fewer entries. If it does not, history was rewritten or cut; nothing is signed, the error is
 * logged and {@code p2pfs_audit_log_consistent} drops to 0. Replicas take turns through an
 * advisory lock, so one head is signed at a time. Runs on its own thread (blocking calls).
 */
@ApplicationScoped
public class HeadPublisher {

    /** Advisory lock key of head signing ("p2pfshed"). */
    static final long SIGNER_LOCK = 0x7032_7066_7368_6564L;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** A head and whether this call signed it (false: the latest one still stands). */
    public record Publication(TreeHead head, boolean signed) {
    }

    private final Pool pool;
    private final TreeStore tree;
    private final LogKeys keys;
    private final LogConfig config;
    private final HeadFiles files;
    private final KafkaClients kafka;
    private final ObjectMapper json;
    private final AtomicInteger consistent = new AtomicInteger(1);
    private ScheduledExecutorService timer;
    private KafkaProducer<String, String> producer;
    private TreeHead lastSent;

    public HeadPublisher(Pool pool, TreeStore tree, LogKeys keys, LogConfig config, HeadFiles files,
            KafkaClients kafka, ObjectMapper json, MeterRegistry registry) {
        this.pool = pool;
        this.tree = tree;
        this.keys = keys;
        this.config = config;
        this.files = files;
        this.kafka = kafka;
        this.json = json;
        Gauge.builder("p2pfs.audit.log.consistent", consistent, AtomicInteger::get)
                .description("1 while the stored log extends every head this log signed, 0 once it does not")
                .strongReference(true).register(registry);
    }

    void start(@Observes StartupEvent startup) {
        files.writePublicKey(keys.publicKeyBase64());
        if (!files.configured()) {
            Log.warn("p2pfs.audit.log.heads-directory is not set: signed tree heads go to Kafka and the database only");
        }
        Log.infof("Audit log key id %s, public key %s", keys.keyId(), keys.publicKeyBase64());
        long period = Math.max(100, config.headInterval().toMillis());
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("audit-tree-heads").factory());
        timer.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        if (timer != null) {
            timer.shutdownNow();
            timer.awaitTermination(10, TimeUnit.SECONDS);
        }
        synchronized (this) {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
                producer = null;
            }
        }
    }

    /** 1 while consistent. */
    public int consistent() {
        return consistent.get();
    }

    private void tick() {
        try {
            publish(false);
        } catch (LogIntegrityException e) {
            Log.errorf("Audit log tree head NOT signed: %s", e.getMessage());
        } catch (Exception e) {
            Log.warnf("Audit log tree head not published this round: %s", e.getMessage());
        }
    }

    /**
     * Signs a head of the current tree unless the latest one still stands ({@code force}: sign
     * anyway). Blocking: call it from a worker thread.
     */
    public synchronized Publication publish(boolean force) throws Exception {
        Publication publication = pool.withTransaction(connection -> connection
                .preparedQuery("SELECT pg_try_advisory_xact_lock($1)").execute(Tuple.of(SIGNER_LOCK))
                .flatMap(rows -> rows.iterator().next().getBoolean(0) ? signIfDue(connection, force)
                        : tree.latestHead(connection).map(latest -> new Publication(latest.orElse(null), false))))
                .await().atMost(TIMEOUT);
        TreeHead head = publication.head();
        // a head signed here or by another replica reaches the topic and this replica's directory once,
        // also when sending failed the round it was signed
        if (head != null && !head.equals(lastSent)) {
            send(head);
            lastSent = head;
        }
        if (head != null && files.configured() && !head.equals(files.latest().orElse(null))) {
            files.write(head);
        }
        return publication;
    }

    private Uni<Publication> signIfDue(SqlConnection connection, boolean force) {
        return tree.latestHead(connection).flatMap(stored -> tree.trustedState(connection).flatMap(state -> {
            Optional<TreeHead> previous = newest(stored, files.latest());
            if (state.folding()) {
                // migrated rows are folded into the tree first; until then the stored state is not the log
                return Uni.createFrom().item(new Publication(previous.orElse(null), false));
            }
            Uni<Void> checked = previous.isEmpty() ? Uni.createFrom().voidItem()
                    : extendsHead(connection, previous.get(), state);
            return checked.flatMap(ok -> {
                boolean due = force || previous.isEmpty() || previous.get().treeSize() != state.treeSize()
                        || previous.get().timestamp().isBefore(Instant.now().minus(config.headMaxAge()));
                if (!due) {
                    return Uni.createFrom().item(new Publication(previous.get(), false));
                }
                TreeHead head = keys.sign(TreeHead.unsigned(config.origin(), state.treeSize(), state.root(),
                        Instant.now(), keys.keyId()));
                return tree.insertHead(connection, head).replaceWith(new Publication(head, true));
            });
        })).onItemOrFailure().invoke((publication, failure) -> {
            if (failure == null) {
                consistent.set(1);
            } else if (failure instanceof LogIntegrityException) {
                consistent.set(0);
            }
        });
    }

    /** Fails unless the stored tree of {@code state} still holds {@code head} as its prefix. */
    private Uni<Void> extendsHead(SqlConnection connection, TreeHead head, TreeStore.State state) {
        if (head.treeSize() > state.treeSize()) {
            return alarm("the log holds " + state.treeSize() + " entries but a head of " + head.treeSize()
                    + " was signed at " + head.timestamp() + ": entries were removed");
        }
        return tree.rootAt(connection, head.treeSize()).flatMap(root -> {
            if (!Arrays.equals(root, head.root())) {
                return alarm("the stored log's first " + head.treeSize() + " entries hash to " + Merkle.hex(root)
                        + ", not to the root signed at " + head.timestamp() + ": history was rewritten");
            }
            return Uni.createFrom().voidItem();
        });
    }

    private static Uni<Void> alarm(String problem) {
        return Uni.createFrom().failure(new LogIntegrityException(problem));
    }

    /** The larger of the heads found, ignoring any not signed by this log. */
    private Optional<TreeHead> newest(Optional<TreeHead> stored, Optional<TreeHead> filed) {
        return Stream.of(stored, filed).flatMap(Optional::stream).filter(head -> {
            boolean ours = keys.signedByUs(head);
            if (!ours) {
                Log.warnf("Ignoring a tree head of size %d not signed by this log's keys", head.treeSize());
            }
            return ours;
        }).max(Comparator.comparingLong(TreeHead::treeSize).thenComparing(TreeHead::timestamp));
    }

    private void send(TreeHead head) throws Exception {
        producer().send(new ProducerRecord<>(Topics.AUDIT_TREE_HEADS, head.origin(), json.writeValueAsString(head)))
                .get(kafka.settings().deliveryTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
    }

    private synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties props = kafka.producer("audit-tree-heads");
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            producer = new KafkaProducer<>(props);
        }
        return producer;
    }
}
