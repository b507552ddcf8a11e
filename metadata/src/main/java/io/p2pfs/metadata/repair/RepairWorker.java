package io.p2pfs.metadata.repair;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.p2pfs.client.placement.Placement;
import io.p2pfs.common.chunks.ChunkEvents;
import io.p2pfs.common.events.AuditData;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.outbox.Outbox;
import io.p2pfs.common.reactive.Sequence;
import io.p2pfs.metadata.core.ElectedRounds;
import io.p2pfs.metadata.core.Offload;
import io.p2pfs.metadata.replicas.PlacementPlanner;
import io.p2pfs.metadata.replicas.RepairQueue;
import io.p2pfs.metadata.replicas.ReplicaDirectory;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The repair worker. Every {@code p2pfs.repair.interval} one metadata replica (the one that takes
 * the advisory lock; the others skip the round) runs a round in one transaction:
 * <ol>
 * <li>node changes: a node DOWN past the grace period has its chunks queued (its replicas are
 * given up for lost); a lost node back UP has them queued again (its copies are now surplus); a
 * DRAINING node has its chunks queued once;
 * <li>copies requested but not confirmed within {@code placement-timeout} are dropped and their
 * chunks queued;
 * <li>a batch of due chunks, fewest live replicas first, is planned by {@link RepairPlanner}
 * within the limits of copies in flight per node and of bytes per second (a token bucket; what
 * does not fit waits for the next round) and carried out: placement requests, delete requests
 * for surplus and bad copies;
 * <li>a drain whose node holds nothing that lacks R elsewhere ends: the node is REMOVED
 * ({@code node.removed}).
 * </ol>
 * A node back within its grace period has had nothing queued, so nothing moves.
 */
@ApplicationScoped
public class RepairWorker {

    /** Advisory lock key: one replica at a time runs repair. */
    static final long REPAIR_LOCK = 0x7032_7066_7372_6570L;

    static final String ACTOR = "system:repair";

    private final RepairConfig config;
    private final RepairQueue queue;
    private final ReplicaDirectory replicas;
    private final PlacementPlanner planner;
    private final Drains drains;
    private final Outbox outbox;
    private final Offload offload;
    private final Counter copiesRequested;
    private final Counter bytesRequested;
    private final Counter surplusRemoved;
    private final Counter badRemoved;
    private final Counter nodesRemoved;
    private double budget;
    private long refilledAt = System.nanoTime();

    /** The pause before another round while chunks wait only for the limits. */
    private static final Duration AGAIN = Duration.ofMillis(250);

    public RepairWorker(RepairConfig config, RepairQueue queue, ReplicaDirectory replicas, PlacementPlanner planner,
            Drains drains, Outbox outbox, Offload offload, MeterRegistry metrics) {
        this.config = config;
        this.queue = queue;
        this.replicas = replicas;
        this.planner = planner;
        this.drains = drains;
        this.outbox = outbox;
        this.offload = offload;
        this.copiesRequested = metrics.counter("p2pfs_repair_copies_requested_total");
        this.bytesRequested = metrics.counter("p2pfs_repair_bytes_requested_total");
        this.surplusRemoved = metrics.counter("p2pfs_repair_removals_requested_total", "why", "surplus");
        this.badRemoved = metrics.counter("p2pfs_repair_removals_requested_total", "why", "bad");
        this.nodesRemoved = metrics.counter("p2pfs_repair_nodes_removed_total");
        this.budget = capacity();
    }

    /** What one round did. */
    public static final class Tally {
        boolean leader;
        int nodesLost;
        int nodesBack;
        int drainsStarted;
        int copiesExpired;
        int chunksTaken;
        int copies;
        long copyBytes;
        int removals;
        int drainsEnded;
        int limited;

        boolean busy() {
            return nodesLost + nodesBack + drainsStarted + copiesExpired + copies + removals + drainsEnded > 0;
        }

        @Override
        public String toString() {
            return "nodes lost " + nodesLost + ", back " + nodesBack + ", drains started " + drainsStarted + ", ended "
                    + drainsEnded + "; copies expired " + copiesExpired + "; chunks taken " + chunksTaken
                    + ", copies requested " + copies + " (" + copyBytes + " bytes), removals requested " + removals
                    + "; waiting for the limits " + limited;
        }
    }

    @Scheduled(every = "${p2pfs.repair.interval:5s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return rounds(io.vertx.core.Vertx.currentContext(), System.nanoTime() + config.interval().toNanos());
    }

    /**
     * Rounds until the interval is over while chunks wait only for the limits (copies in flight,
     * bytes per second): the copies of a round usually land within a fraction of a second, and a
     * lost node's chunks should not wait a whole interval per handful of copies.
     */
    private Uni<Void> rounds(io.vertx.core.Context context, long until) {
        return ElectedRounds.logged("Repair round", round(), Tally::busy)
                .flatMap(tally -> {
                    if (tally == null || tally.limited == 0 || System.nanoTime() + AGAIN.toNanos() >= until) {
                        return Uni.createFrom().voidItem();
                    }
                    Uni<Void> pause = Uni.createFrom().voidItem().onItem().delayIt().by(AGAIN);
                    if (context != null) {
                        pause = pause.emitOn(task -> context.runOnContext(ignored -> task.run()));
                    }
                    return pause.flatMap(v -> rounds(context, until));
                });
    }

    /** One round, in one transaction, if this replica holds the lock. */
    public Uni<Tally> round() {
        Tally tally = new Tally();
        return ElectedRounds.run(REPAIR_LOCK, session -> nodeChanges(session, tally)
                .flatMap(v -> expireCopies(session, tally))
                .flatMap(v -> work(session, tally))
                .flatMap(v -> endDrains(session, tally)))
                .map(leader -> {
                    tally.leader = leader;
                    return tally;
                });
    }

    private Uni<Void> nodeChanges(Mutiny.Session session, Tally tally) {
        // Lost: DOWN past its grace period, or quarantined (no grace: nothing counts on its copies from the start).
        return session.createNativeQuery("UPDATE nodes SET lost_at = now() WHERE lost_at IS NULL AND removed_at IS NULL "
                + "AND (state = 'QUARANTINED' OR state = 'DOWN' AND down_since < now() - make_interval(secs => :grace)) "
                + "RETURNING CAST(node_id AS text), state", Object[].class)
                .setParameter("grace", config.grace().toMillis() / 1000.0).getResultList()
                .flatMap(lost -> {
                    tally.nodesLost = lost.size();
                    return Sequence.forEach(lost, row -> {
                        UUID node = UUID.fromString((String) row[0]);
                        boolean quarantined = "QUARANTINED".equals(row[1]);
                        Log.infof(quarantined ? "Node %s is quarantined: repairing its chunks"
                                : "Node %s is DOWN past its grace period: repairing its chunks", node);
                        return queue.enqueueHeldBy(session, node, quarantined ? "node quarantined" : "node lost");
                    });
                })
                .flatMap(v -> nodes(session.createNativeQuery("UPDATE nodes SET lost_at = NULL WHERE state = 'UP' "
                        + "AND lost_at IS NOT NULL RETURNING CAST(node_id AS text)", String.class)))
                .flatMap(back -> {
                    tally.nodesBack = back.size();
                    back.forEach(node -> Log.infof("Node %s is back after its chunks were repaired: "
                            + "removing surplus copies", node));
                    return Sequence.forEach(back, node -> queue.enqueueHeldBy(session, node,
                            "node back after repair"));
                })
                .flatMap(v -> nodes(session.createNativeQuery("UPDATE nodes SET drain_queued_at = now() "
                        + "WHERE state = 'DRAINING' AND drain_queued_at IS NULL AND removed_at IS NULL "
                        + "RETURNING CAST(node_id AS text)", String.class)))
                .flatMap(draining -> {
                    tally.drainsStarted = draining.size();
                    draining.forEach(node -> Log.infof("Node %s is draining: copying its chunks elsewhere", node));
                    return Sequence.forEach(draining, node -> queue.enqueueHeldBy(session, node, "node draining"));
                });
    }

    /** The node ids a query answers as text. */
    private static Uni<List<UUID>> nodes(Mutiny.SelectionQuery<String> query) {
        return query.getResultList().map(ids -> ids.stream().map(UUID::fromString).toList());
    }

    private Uni<Void> expireCopies(Mutiny.Session session, Tally tally) {
        return session.createNativeQuery("WITH expired AS (DELETE FROM replicas WHERE state = 'PENDING' "
                + "AND updated_at < now() - make_interval(secs => :t) RETURNING chunk_id) "
                + "SELECT DISTINCT chunk_id FROM expired", String.class)
                .setParameter("t", config.placementTimeout().toMillis() / 1000.0).getResultList()
                .flatMap(expired -> {
                    tally.copiesExpired = expired.size();
                    return queue.enqueue(session, expired, "copy not confirmed in time");
                }).replaceWithVoid();
    }

    /** What a round decided for its batch, ready to be written. */
    private record Decisions(List<ChunkEvents.PlacementRequested> placements, List<ChunkEvents.DeleteRequested> deletions,
            List<String> done, Map<String, List<String>> later, List<String> limited) {
    }

    private Uni<Void> work(Mutiny.Session session, Tally tally) {
        return queue.due(session, config.batch()).flatMap(due -> {
            tally.chunksTaken = due.size();
            if (due.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            return chunks(session, due).flatMap(chunks -> pendingPerTarget(session)
                    .flatMap(pending -> replicas.liveCandidates()
                            .flatMap(up -> offload.cpu(() -> decide(due, chunks, pending, up, tally)))))
                    .flatMap(decided -> replicas.requestPlacements(session, decided.placements())
                            .flatMap(v -> replicas.requestDeletions(session, decided.deletions()))
                            .flatMap(v -> queue.done(session, decided.done()))
                            .flatMap(v -> queue.later(session, decided.limited(), Duration.ZERO, "waiting for limits"))
                            .flatMap(v -> Sequence.forEach(List.copyOf(decided.later().entrySet()),
                                    entry -> queue.later(session, entry.getValue(), config.retryAfter(), entry.getKey())))
                            .invoke(() -> {
                                copiesRequested.increment(tally.copies);
                                bytesRequested.increment(tally.copyBytes);
                            }));
        });
    }

    private Decisions decide(List<String> due, Map<String, RepairPlanner.Chunk> chunks, Map<UUID, Integer> pending,
            List<Placement.Candidate> up, Tally tally) {
        RepairPlanner.Round limits = new RepairPlanner.Round(config.copiesPerNode(), pending);
        java.time.Instant decidedAt = java.time.Instant.now();
        List<ChunkEvents.PlacementRequested> placements = new ArrayList<>();
        List<ChunkEvents.DeleteRequested> deletions = new ArrayList<>();
        List<String> done = new ArrayList<>();
        List<String> limited = new ArrayList<>();
        Map<String, List<String>> later = new LinkedHashMap<>();
        for (String chunkId : due) {
            RepairPlanner.Chunk chunk = chunks.get(chunkId);
            if (chunk == null) {
                done.add(chunkId);
                continue;
            }
            RepairPlanner.Plan plan = RepairPlanner.plan(chunk, up, limits);
            long bytes = plan.bytes();
            if (bytes > 0 && !spend(bytes)) {
                // The bytes-per-second budget is spent: this chunk and the rest wait for the next round.
                limited.add(chunkId);
                continue;
            }
            limits.take(plan);
            for (RepairPlanner.Copy copy : plan.copies()) {
                placements.add(planner.request(chunkId, copy.source().nodeId(), copy.source().url(), copy.target(),
                        copy.size()));
            }
            for (RepairPlanner.Removal removal : plan.removals()) {
                deletions.add(planner.deletion(chunkId, removal.nodeId(), decidedAt));
                ("bad copy".equals(removal.why()) ? badRemoved : surplusRemoved).increment();
            }
            tally.copies += plan.copies().size();
            tally.copyBytes += bytes;
            tally.removals += plan.removals().size();
            switch (plan.verdict()) {
                case DONE -> done.add(chunkId);
                case LIMITED -> limited.add(chunkId);
                case WAITING -> later.computeIfAbsent("copies pending", k -> new ArrayList<>()).add(chunkId);
                case NO_SOURCE -> later.computeIfAbsent("no readable replica", k -> new ArrayList<>()).add(chunkId);
                case NO_TARGET -> later.computeIfAbsent("no node can take a copy", k -> new ArrayList<>())
                        .add(chunkId);
            }
        }
        tally.limited = limited.size();
        return new Decisions(placements, deletions, done, later, limited);
    }

    /** Takes {@code bytes} from the bucket; a full bucket lets one plan through whatever its size. */
    private synchronized boolean spend(long bytes) {
        long now = System.nanoTime();
        double rate = config.bytesPerSecond().asLongValue();
        budget = Math.min(capacity(), budget + rate * (now - refilledAt) / 1e9);
        refilledAt = now;
        if (budget >= bytes || budget >= capacity()) {
            budget -= bytes;
            return true;
        }
        return false;
    }

    /** The bucket holds one second's worth of copying. */
    private double capacity() {
        return config.bytesPerSecond().asLongValue();
    }

    private Uni<Map<String, RepairPlanner.Chunk>> chunks(Mutiny.Session session, List<String> chunkIds) {
        return session.createNativeQuery("SELECT c.chunk_id, c.cipher_size, c.replication_factor, "
                + "CAST(r.node_id AS text), n.url, n.zone, n.state, r.state FROM chunks c "
                + "LEFT JOIN replicas r ON r.chunk_id = c.chunk_id LEFT JOIN nodes n ON n.node_id = r.node_id "
                + "WHERE c.chunk_id = ANY(string_to_array(:ids, ',')) AND c.deleting_at IS NULL", Object[].class)
                .setParameter("ids", String.join(",", chunkIds)).getResultList()
                .map(rows -> {
                    Map<String, long[]> sizes = new HashMap<>();
                    Map<String, List<RepairPlanner.Replica>> byChunk = new HashMap<>();
                    for (Object[] row : rows) {
                        String chunkId = (String) row[0];
                        sizes.putIfAbsent(chunkId, new long[] {((Number) row[1]).longValue(), ((Number) row[2]).longValue()});
                        List<RepairPlanner.Replica> list = byChunk.computeIfAbsent(chunkId, k -> new ArrayList<>());
                        if (row[3] != null) {
                            list.add(new RepairPlanner.Replica(UUID.fromString((String) row[3]), (String) row[4],
                                    (String) row[5], (String) row[6], (String) row[7]));
                        }
                    }
                    Map<String, RepairPlanner.Chunk> chunks = new HashMap<>();
                    byChunk.forEach((id, list) -> chunks.put(id, new RepairPlanner.Chunk(id, sizes.get(id)[0],
                            (int) sizes.get(id)[1], list)));
                    return chunks;
                });
    }

    private Uni<Map<UUID, Integer>> pendingPerTarget(Mutiny.Session session) {
        return session.createNativeQuery("SELECT CAST(node_id AS text), count(*) FROM replicas WHERE state = 'PENDING' "
                + "GROUP BY node_id", Object[].class).getResultList()
                .map(rows -> {
                    Map<UUID, Integer> pending = new HashMap<>();
                    rows.forEach(row -> pending.put(UUID.fromString((String) row[0]), ((Number) row[1]).intValue()));
                    return pending;
                });
    }

    private Uni<Void> endDrains(Mutiny.Session session, Tally tally) {
        return drains.progress(session).flatMap(all -> Sequence.forEach(all, drain -> {
            if (drain.chunksLeft() > 0) {
                // Chunks that reached the node after its drain began (a commit with its receipt) are queued too.
                return queue.enqueueShortOn(session, drain.nodeId(), "node draining").replaceWithVoid();
            }
            tally.drainsEnded++;
            nodesRemoved.increment();
            Log.infof("Node %s is drained: %d chunk(s) now held elsewhere; removed", drain.nodeId(), drain.chunksHeld());
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("nodeId", drain.nodeId().toString());
            details.put("url", drain.url());
            details.put("zone", drain.zone());
            details.put("capacityBytes", drain.capacityBytes());
            details.put("state", "REMOVED");
            details.put("previousState", "DRAINING");
            details.put("chunksMoved", drain.chunksHeld());
            String resource = "node:" + drain.nodeId();
            return session.createNativeQuery("UPDATE nodes SET state = 'REMOVED', removed_at = now(), "
                    + "updated_at = now() WHERE node_id = :node").setParameter("node", drain.nodeId()).executeUpdate()
                    .flatMap(n -> session.createNativeQuery("DELETE FROM replicas WHERE node_id = :node")
                            .setParameter("node", drain.nodeId()).executeUpdate())
                    .flatMap(n -> outbox.record(Topics.NODES, drain.nodeId().toString(), EventTypes.NODE_REMOVED,
                            resource, AuditData.success(ACTOR, EventTypes.NODE_REMOVED, resource, details)))
                    .replaceWithVoid();
        }));
    }
}
