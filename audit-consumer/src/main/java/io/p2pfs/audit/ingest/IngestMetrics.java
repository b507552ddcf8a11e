package io.p2pfs.audit.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The consumer's metrics on {@code /q/metrics}: {@code p2pfs_audit_events_stored_total},
 * {@code p2pfs_audit_events_duplicate_total}, {@code p2pfs_audit_events_dead_lettered_total}
 * (tag {@code reason}: the kind of defect) and {@code p2pfs_audit_consumer_lag} (tag
 * {@code topic}: records behind the end of the partitions this replica reads),
 * {@code p2pfs_audit_batch_parse_seconds} and {@code p2pfs_audit_batch_append_seconds} (where a
 * batch's time goes: on the consumer thread, and in the database).
 */
@ApplicationScoped
public class IngestMetrics {

    private final MeterRegistry registry;
    private final Counter stored;
    private final Counter duplicates;
    private final Map<String, AtomicLong> lag = new ConcurrentHashMap<>();
    private final Timer parse;
    private final Timer append;

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.stored = Counter.builder("p2pfs.audit.events.stored").description("Events appended to the audit log")
                .register(registry);
        this.duplicates = Counter.builder("p2pfs.audit.events.duplicate")
                .description("Redelivered or replayed events that were already stored").register(registry);
        this.parse = Timer.builder("p2pfs.audit.batch.parse")
                .description("Parsing, canonicalising and hashing one batch on the consumer thread").register(registry);
        this.append = Timer.builder("p2pfs.audit.batch.append")
                .description("Appending one batch to the log: its transaction, from start to commit").register(registry);
        AuditIngest.TOPICS.forEach(this::lagOf);
    }

    void parsed(long nanos) {
        parse.record(nanos, TimeUnit.NANOSECONDS);
    }

    void appended(long nanos) {
        append.record(nanos, TimeUnit.NANOSECONDS);
    }

    void stored(int count) {
        stored.increment(count);
    }

    void duplicates(int count) {
        duplicates.increment(count);
    }

    void deadLettered(String reason) {
        int colon = reason.indexOf(':');
        String kind = colon < 0 ? reason : reason.substring(0, colon);
        Counter.builder("p2pfs.audit.events.dead.lettered").description("Malformed events sent to the dead-letter topic")
                .tag("reason", kind).register(registry).increment();
    }

    void lag(String topic, long records) {
        lagOf(topic).set(records);
    }

    private AtomicLong lagOf(String topic) {
        return lag.computeIfAbsent(topic, name -> {
            AtomicLong value = new AtomicLong();
            // Held strongly: Micrometer keeps a gauge's object only weakly, and a gauge whose
            // object was collected drops out of /q/metrics.
            Gauge.builder("p2pfs.audit.consumer.lag", value, AtomicLong::get)
                    .description("Records not yet consumed on the partitions this replica reads").tag("topic", name)
                    .strongReference(true).register(registry);
            return value;
        });
    }
}
