package io.p2pfs.metadata.replicas;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The repair queue: chunks to bring back to (or down to) their replication factor, one row per
 * chunk, taken fewest live replicas first. Anything that finds a chunk short of replicas (a lost
 * or draining node, a bad copy, a failed or expired placement) queues it here in its own
 * transaction; the elected repair worker decides what each needs. Queuing a chunk already queued
 * makes it due now and keeps its better priority. All methods run in the caller's transaction.
 */
@ApplicationScoped
public class RepairQueue {

    /** Live confirmed replicas of {@code s.chunk_id}: the priority (fewer = sooner). */
    private static final String LIVE = live("s");

    private static final String UPSERT = " ON CONFLICT (chunk_id) DO UPDATE SET "
            + "priority = LEAST(repair_queue.priority, EXCLUDED.priority), not_before = now(), reason = EXCLUDED.reason";

    /** Queues the given chunks (those this system holds). */
    public Uni<Integer> enqueue(Mutiny.Session session, Collection<String> chunkIds, String reason) {
        if (chunkIds.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return session.createNativeQuery("INSERT INTO repair_queue (chunk_id, reason, priority) "
                + "SELECT s.chunk_id, :reason, " + LIVE + " FROM (SELECT DISTINCT id AS chunk_id "
                + "FROM unnest(string_to_array(:ids, ',')) AS t(id)) s "
                + "WHERE EXISTS (SELECT 1 FROM chunks c WHERE c.chunk_id = s.chunk_id)" + UPSERT)
                .setParameter("reason", reason).setParameter("ids", String.join(",", chunkIds)).executeUpdate();
    }

    /** Queues every chunk {@code nodeId} holds or was asked to hold. */
    public Uni<Integer> enqueueHeldBy(Mutiny.Session session, UUID nodeId, String reason) {
        return session.createNativeQuery("INSERT INTO repair_queue (chunk_id, reason, priority) "
                + "SELECT s.chunk_id, :reason, " + LIVE + " FROM (SELECT DISTINCT chunk_id FROM replicas "
                + "WHERE node_id = :node AND state <> 'DELETING') s" + UPSERT)
                .setParameter("reason", reason).setParameter("node", nodeId).executeUpdate();
    }

    /**
     * Queues the chunks {@code nodeId} holds that lack their replication factor on UP nodes other
     * than it, unless queued already (a draining node's late arrivals).
     */
    public Uni<Integer> enqueueShortOn(Mutiny.Session session, UUID nodeId, String reason) {
        return session.createNativeQuery("INSERT INTO repair_queue (chunk_id, reason, priority) "
                + "SELECT s.chunk_id, :reason, " + LIVE + " FROM (SELECT DISTINCT r.chunk_id FROM replicas r "
                + "JOIN chunks c ON c.chunk_id = r.chunk_id WHERE r.node_id = :node "
                + "AND r.state IN ('CONFIRMED', 'PENDING') AND " + live("r") + " < c.replication_factor) s "
                + "ON CONFLICT (chunk_id) DO NOTHING")
                .setParameter("reason", reason).setParameter("node", nodeId).executeUpdate();
    }

    /**
     * SQL: the live replicas (confirmed, on UP nodes) of the chunk {@code alias.chunk_id}. A
     * DRAINING node's copies are not among them, so for a draining node's row this counts its
     * chunk's copies elsewhere.
     */
    public static String live(String alias) {
        return "(SELECT count(*) FROM replicas r2 JOIN nodes n2 ON n2.node_id = r2.node_id WHERE r2.chunk_id = "
                + alias + ".chunk_id AND r2.state = 'CONFIRMED' AND n2.state = 'UP')";
    }

    /** Up to {@code limit} due chunks, fewest live replicas first, oldest first among equals. */
    public Uni<List<String>> due(Mutiny.Session session, int limit) {
        return session.createNativeQuery("SELECT chunk_id FROM repair_queue WHERE not_before <= now() "
                + "ORDER BY priority, queued_at LIMIT :n", String.class).setParameter("n", limit).getResultList();
    }

    /** Takes chunks off the queue. */
    public Uni<Integer> done(Mutiny.Session session, Collection<String> chunkIds) {
        if (chunkIds.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return session.createNativeQuery("DELETE FROM repair_queue WHERE chunk_id = ANY(string_to_array(:ids, ','))")
                .setParameter("ids", String.join(",", chunkIds)).executeUpdate();
    }

    /** Leaves chunks queued, due again after {@code pause}, with why. */
    public Uni<Integer> later(Mutiny.Session session, Collection<String> chunkIds, Duration pause, String why) {
        if (chunkIds.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return session.createNativeQuery("UPDATE repair_queue SET attempts = attempts + 1, reason = :why, "
                + "not_before = now() + make_interval(secs => :pause) WHERE chunk_id = ANY(string_to_array(:ids, ','))")
                .setParameter("why", why).setParameter("pause", pause.toMillis() / 1000.0)
                .setParameter("ids", String.join(",", chunkIds)).executeUpdate();
    }
}
