package io.p2pfs.metadata.gc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.p2pfs.common.chunks.ChunkEvents;
import io.p2pfs.metadata.core.ElectedRounds;
import io.p2pfs.metadata.core.Offload;
import io.p2pfs.metadata.replicas.PlacementPlanner;
import io.p2pfs.metadata.replicas.ReplicaDirectory;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Deletes what nothing references. Every {@code p2pfs.gc.interval} one metadata replica (the one
 * that takes the advisory lock) runs a round in one transaction:
 * <ol>
 * <li>chunks no version references and no open upload session placed are marked orphaned (and
 * unmarked when a commit referenced them again);
 * <li>orphans older than {@code p2pfs.gc.grace} are condemned: no upload is told they are stored
 * any more, and every replica is asked to delete its copy
 * ({@code chunk.delete-requested} with a delete token); the row goes when the last node confirmed
 * {@code chunk.deleted}. The decision runs under {@code FOR UPDATE SKIP LOCKED} with the references
 * checked in the same statement, and a commit holds the rows of the chunks it references
 * {@code FOR SHARE}: of a commit that reuses a chunk and a sweep that collects it, whichever locks
 * the row first wins, the other backs off (the sweep skips the chunk, the commit is refused);
 * <li>upload sessions that ended (committed, aborted or expired) longer than the grace period ago
 * are dropped, and the chunks they were given targets for and that no chunk row tracks (an upload
 * never committed) are deleted from the nodes they were offered to. Such a delete spares a copy
 * the node wrote after the decision (minus {@code p2pfs.gc.node-clock-skew}), so an upload running
 * now that sends the same chunk keeps it.
 * </ol>
 */
@ApplicationScoped
public class GarbageCollector {

    /** Advisory lock key: one replica at a time collects garbage. */
    static final long GC_LOCK = 0x7032_7066_7367_6363L;

    /** The chunk rows nothing refers to: no version, and no open, unexpired upload session. */
    public static final String UNREFERENCED = "NOT EXISTS (SELECT 1 FROM version_chunks v WHERE v.chunk_id = c.chunk_id) "
            + "AND NOT EXISTS (SELECT 1 FROM upload_chunks u JOIN upload_sessions s ON s.upload_id = u.upload_id "
            + "WHERE u.chunk_id = c.chunk_id AND s.state = 'OPEN' AND s.expires_at > now())";

    private final GcConfig config;
    private final ReplicaDirectory replicas;
    private final PlacementPlanner planner;
    private final Offload offload;
    private final Counter chunksCondemned;
    private final Counter deletesRequested;
    private final Counter uploadsDropped;

    public GarbageCollector(GcConfig config, ReplicaDirectory replicas, PlacementPlanner planner, Offload offload,
            MeterRegistry metrics) {
        this.config = config;
        this.replicas = replicas;
        this.planner = planner;
        this.offload = offload;
        this.chunksCondemned = metrics.counter("p2pfs_gc_chunks_condemned_total");
        this.deletesRequested = metrics.counter("p2pfs_gc_deletes_requested_total");
        this.uploadsDropped = metrics.counter("p2pfs_gc_uploads_dropped_total");
    }

    /** What one round did. */
    public static final class Tally {
        boolean leader;
        int orphaned;
        int condemned;
        int deletes;
        int removed;
        int uploadsDropped;
        int leftovers;

        boolean busy() {
            return orphaned + condemned + deletes + removed + uploadsDropped > 0;
        }

        @Override
        public String toString() {
            return "orphaned " + orphaned + ", condemned " + condemned + ", deletes requested " + deletes
                    + ", chunk rows removed " + removed + ", ended uploads dropped " + uploadsDropped
                    + " (their leftover chunks " + leftovers + ")";
        }
    }

    @Scheduled(every = "${p2pfs.gc.interval:1m}", delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return config.enabled() ? ElectedRounds.logged("Garbage collection", round(), Tally::busy).replaceWithVoid()
                : Uni.createFrom().voidItem();
    }

    public Uni<Tally> round() {
        Tally tally = new Tally();
        double grace = config.grace().toMillis() / 1000.0;
        return ElectedRounds.run(GC_LOCK, db -> mark(db, tally)
                .flatMap(v -> condemn(db, grace, tally))
                .flatMap(v -> requestDeletes(db, tally))
                .flatMap(v -> removeDeleted(db, tally))
                .flatMap(v -> dropEndedUploads(db, grace, tally)))
                .map(leader -> {
                    tally.leader = leader;
                    return tally;
                });
    }

    private Uni<Void> mark(Mutiny.Session db, Tally tally) {
        return db.createNativeQuery("UPDATE chunks c SET orphaned_at = now() WHERE c.orphaned_at IS NULL "
                + "AND c.deleting_at IS NULL AND " + UNREFERENCED).executeUpdate()
                .invoke(n -> tally.orphaned = n)
                .flatMap(n -> db.createNativeQuery("UPDATE chunks c SET orphaned_at = NULL WHERE c.orphaned_at IS NOT NULL "
                        + "AND c.deleting_at IS NULL AND NOT (" + UNREFERENCED + ")").executeUpdate())
                .replaceWithVoid();
    }

    private Uni<Void> condemn(Mutiny.Session db, double grace, Tally tally) {
        return db.createNativeQuery("UPDATE chunks SET deleting_at = now() WHERE chunk_id IN (SELECT c.chunk_id "
                + "FROM chunks c WHERE c.deleting_at IS NULL AND c.orphaned_at < now() - make_interval(secs => :grace) "
                + "AND " + UNREFERENCED + " ORDER BY c.orphaned_at LIMIT :n FOR UPDATE SKIP LOCKED) RETURNING chunk_id",
                String.class)
                .setParameter("grace", grace).setParameter("n", config.batch()).getResultList()
                .flatMap(condemned -> {
                    tally.condemned = condemned.size();
                    chunksCondemned.increment(condemned.size());
                    return Uni.createFrom().voidItem();
                });
    }

    /** Every copy of a condemned chunk not yet asked to go is asked now (a node back from an outage too). */
    private Uni<Void> requestDeletes(Mutiny.Session db, Tally tally) {
        return db.createNativeQuery("SELECT r.chunk_id, CAST(r.node_id AS text) FROM replicas r "
                + "JOIN chunks c ON c.chunk_id = r.chunk_id WHERE c.deleting_at IS NOT NULL AND r.state <> 'DELETING' "
                + "LIMIT :n", Object[].class).setParameter("n", config.batch()).getResultList()
                .flatMap(rows -> {
                    if (rows.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    Instant decided = Instant.now();
                    return offload.cpu(() -> {
                        List<ChunkEvents.DeleteRequested> requests = new ArrayList<>();
                        for (Object[] row : rows) {
                            requests.add(planner.deletion((String) row[0], UUID.fromString((String) row[1]), decided));
                        }
                        return requests;
                    }).flatMap(requests -> {
                        tally.deletes += requests.size();
                        deletesRequested.increment(requests.size());
                        return replicas.requestDeletions(db, requests);
                    });
                })
                // Copies on nodes that are gone for good: their delete waits on the node's
                // partition should it ever come back; nothing here waits for them.
                .flatMap(v -> db.createNativeQuery("DELETE FROM replicas r USING chunks c, nodes n "
                        + "WHERE c.chunk_id = r.chunk_id AND n.node_id = r.node_id AND c.deleting_at IS NOT NULL "
                        + "AND r.state = 'DELETING' AND (n.lost_at IS NOT NULL OR n.removed_at IS NOT NULL)")
                        .executeUpdate().replaceWithVoid());
    }

    private Uni<Void> removeDeleted(Mutiny.Session db, Tally tally) {
        return db.createNativeQuery("DELETE FROM chunks c WHERE c.deleting_at IS NOT NULL "
                + "AND NOT EXISTS (SELECT 1 FROM replicas r WHERE r.chunk_id = c.chunk_id)").executeUpdate()
                .invoke(n -> tally.removed = n).replaceWithVoid();
    }

    private Uni<Void> dropEndedUploads(Mutiny.Session db, double grace, Tally tally) {
        return db.createNativeQuery("SELECT CAST(upload_id AS text) FROM upload_sessions s WHERE "
                + "(s.state <> 'OPEN' AND s.ended_at < now() - make_interval(secs => :grace)) "
                + "OR (s.state = 'OPEN' AND s.expires_at < now() - make_interval(secs => :grace)) "
                + "ORDER BY s.expires_at LIMIT :n FOR UPDATE SKIP LOCKED", String.class)
                .setParameter("grace", grace).setParameter("n", config.batch()).getResultList()
                .flatMap(ended -> {
                    tally.uploadsDropped = ended.size();
                    if (ended.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    String ids = String.join(",", ended);
                    return db.createNativeQuery("SELECT u.chunk_id, u.targets FROM upload_chunks u "
                            + "WHERE u.upload_id = ANY(CAST(string_to_array(:ids, ',') AS uuid[])) AND u.targets <> '' "
                            + "AND NOT EXISTS (SELECT 1 FROM chunks c WHERE c.chunk_id = u.chunk_id) "
                            + "AND NOT EXISTS (SELECT 1 FROM upload_chunks u2 JOIN upload_sessions s2 "
                            + "ON s2.upload_id = u2.upload_id WHERE u2.chunk_id = u.chunk_id AND s2.state = 'OPEN' "
                            + "AND s2.expires_at > now())", Object[].class)
                            .setParameter("ids", ids).getResultList()
                            .flatMap(leftovers -> {
                                tally.leftovers = leftovers.size();
                                // Spare what a node wrote shortly before this decision, as far as clocks may differ.
                                Instant notTouchedSince = Instant.now().minus(config.nodeClockSkew());
                                return offload.cpu(() -> {
                                    List<ChunkEvents.DeleteRequested> requests = new ArrayList<>();
                                    for (Object[] row : leftovers) {
                                        for (String node : ((String) row[1]).split(",")) {
                                            requests.add(planner.deletion((String) row[0], UUID.fromString(node),
                                                    notTouchedSince));
                                        }
                                    }
                                    return requests;
                                });
                            })
                            .flatMap(requests -> {
                                tally.deletes += requests.size();
                                deletesRequested.increment(requests.size());
                                return replicas.requestDeletions(db, requests);
                            })
                            .flatMap(v -> db.createNativeQuery("DELETE FROM upload_sessions "
                                    + "WHERE upload_id = ANY(CAST(string_to_array(:ids, ',') AS uuid[]))")
                                    .setParameter("ids", ids).executeUpdate())
                            .invoke(n -> uploadsDropped.increment(n))
                            .replaceWithVoid();
                });
    }
}
