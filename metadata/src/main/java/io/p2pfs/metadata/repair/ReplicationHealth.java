package io.p2pfs.metadata.repair;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.p2pfs.client.api.Health;
import io.p2pfs.metadata.gc.GarbageCollector;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * How healthy replication is: chunks by number of live replicas (confirmed on UP nodes), what is
 * under-replicated, the repair queue and the bytes it still has to move, copies in flight, drains
 * and their progress, orphans (chunks no version and no open upload references) and replicas
 * waiting to be deleted. {@code GET /api/v1/admin/replication} computes it on request; the same
 * figures are Prometheus gauges, recomputed every {@code p2pfs.repair.health-interval}.
 */
@ApplicationScoped
public class ReplicationHealth {

    /** Gauges count chunks with 0..MAX_LIVE live replicas; the last bucket holds MAX_LIVE or more. */
    static final int MAX_LIVE = 5;


    private final Drains drains;
    private final AtomicReference<Health.Replication> last = new AtomicReference<>();
    private final AtomicLong[] byLive = new AtomicLong[MAX_LIVE + 1];

    public ReplicationHealth(Drains drains, MeterRegistry metrics) {
        this.drains = drains;
        for (int live = 0; live <= MAX_LIVE; live++) {
            AtomicLong holder = new AtomicLong();
            byLive[live] = holder;
            Gauge.builder("p2pfs_replication_chunks", holder, AtomicLong::get)
                    .tag("live_replicas", live == MAX_LIVE ? MAX_LIVE + "+" : Integer.toString(live))
                    .description("Chunks by number of confirmed replicas on UP nodes").register(metrics);
        }
        gauge(metrics, "p2pfs_replication_under_replicated_chunks", s -> s.underReplicated());
        gauge(metrics, "p2pfs_repair_queue_chunks", s -> s.queue().chunks());
        gauge(metrics, "p2pfs_repair_bytes_to_move", s -> s.queue().bytesToMove());
        gauge(metrics, "p2pfs_repair_copies_in_flight", s -> s.copiesInFlight());
        gauge(metrics, "p2pfs_gc_orphan_chunks", s -> s.garbage().orphanChunks());
        gauge(metrics, "p2pfs_gc_orphan_bytes", s -> s.garbage().orphanBytes());
        gauge(metrics, "p2pfs_gc_chunks_being_deleted", s -> s.garbage().chunksBeingDeleted());
        gauge(metrics, "p2pfs_gc_replicas_being_deleted", s -> s.garbage().replicasBeingDeleted());
    }

    private void gauge(MeterRegistry metrics, String name, java.util.function.ToLongFunction<Health.Replication> figure) {
        Gauge.builder(name, last, ref -> ref.get() == null ? Double.NaN : figure.applyAsLong(ref.get()))
                .register(metrics);
    }

    @Scheduled(every = "${p2pfs.repair.health-interval:30s}", delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return Panache.withSession(() -> Panache.getSession().flatMap(this::snapshot))
                .invoke(snapshot -> {
                    last.set(snapshot);
                    for (int live = 0; live <= MAX_LIVE; live++) {
                        byLive[live].set(snapshot.chunksByLiveReplicas().getOrDefault(
                                live == MAX_LIVE ? MAX_LIVE + "+" : Integer.toString(live), 0L));
                    }
                })
                .onFailure().invoke(e -> Log.warnf("Replication gauges not refreshed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    public Uni<Health.Replication> snapshot(Mutiny.Session session) {
        Uni<List<Object[]>> live = session.createNativeQuery("SELECT LEAST(live, " + MAX_LIVE + "), "
                + "count(*), count(*) FILTER (WHERE live < rf) FROM (SELECT c.chunk_id, c.replication_factor AS rf, "
                + "count(n.node_id) AS live FROM chunks c LEFT JOIN replicas r ON r.chunk_id = c.chunk_id "
                + "AND r.state = 'CONFIRMED' LEFT JOIN nodes n ON n.node_id = r.node_id AND n.state = 'UP' "
                + "WHERE c.deleting_at IS NULL GROUP BY c.chunk_id) t GROUP BY 1 ORDER BY 1", Object[].class)
                .getResultList();
        Uni<Object[]> queue = session.createNativeQuery("SELECT count(*), count(*) FILTER (WHERE q.not_before <= now()), "
                + "coalesce(sum(c.cipher_size::bigint * GREATEST(c.replication_factor - (SELECT count(*) FROM replicas r "
                + "JOIN nodes n ON n.node_id = r.node_id WHERE r.chunk_id = q.chunk_id AND r.state IN ('CONFIRMED', "
                + "'PENDING') AND n.state = 'UP'), 0)), 0) FROM repair_queue q JOIN chunks c ON c.chunk_id = q.chunk_id",
                Object[].class).getSingleResult();
        Uni<Object[]> garbage = session.createNativeQuery("SELECT (SELECT count(*) FROM replicas WHERE state = 'PENDING'), "
                + "(SELECT count(*) FROM replicas WHERE state = 'DELETING'), "
                + "count(*) FILTER (WHERE c.deleting_at IS NULL), coalesce(sum(c.cipher_size) FILTER (WHERE "
                + "c.deleting_at IS NULL), 0), count(*) FILTER (WHERE c.deleting_at IS NOT NULL) "
                + "FROM chunks c WHERE c.deleting_at IS NOT NULL OR (" + GarbageCollector.UNREFERENCED + ")", Object[].class)
                .getSingleResult();
        Uni<List<Object[]>> nodes = session.createNativeQuery("SELECT state, count(*) FROM nodes GROUP BY state "
                + "ORDER BY state", Object[].class).getResultList();
        return live.flatMap(liveRows -> queue.flatMap(queueRow -> garbage.flatMap(garbageRow -> nodes
                .flatMap(nodeRows -> drains.progress(session).map(drainList -> {
                    Map<String, Long> byLiveCount = new LinkedHashMap<>();
                    long chunks = 0;
                    long under = 0;
                    long unavailable = 0;
                    for (Object[] row : liveRows) {
                        int count = ((Number) row[0]).intValue();
                        long n = ((Number) row[1]).longValue();
                        byLiveCount.put(count == MAX_LIVE ? MAX_LIVE + "+" : Integer.toString(count), n);
                        chunks += n;
                        under += ((Number) row[2]).longValue();
                        if (count == 0) {
                            unavailable = n;
                        }
                    }
                    Map<String, Long> byState = new LinkedHashMap<>();
                    for (Object[] row : nodeRows) {
                        byState.put((String) row[0], ((Number) row[1]).longValue());
                    }
                    return new Health.Replication(chunks, byLiveCount, under, unavailable,
                            new Health.RepairQueue(number(queueRow[0]), number(queueRow[1]), number(queueRow[2])),
                            number(garbageRow[0]), new ArrayList<>(drainList),
                            new Health.Garbage(number(garbageRow[2]), number(garbageRow[3]), number(garbageRow[4]),
                                    number(garbageRow[1])), byState);
                })))));
    }

    private static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }
}
