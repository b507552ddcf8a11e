package io.p2pfs.metadata.repair;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.p2pfs.common.chunks.ChunkEvents;
import io.p2pfs.common.chunks.InventoryReports;
import io.p2pfs.common.problem.BadRequest;
import io.p2pfs.common.problem.Forbidden;
import io.p2pfs.common.problem.NotFound;
import io.p2pfs.common.problem.ProblemException;
import io.p2pfs.metadata.core.Offload;
import io.p2pfs.metadata.gc.GcConfig;
import io.p2pfs.metadata.nodes.NodeKeys;
import io.p2pfs.metadata.replicas.PlacementPlanner;
import io.p2pfs.metadata.replicas.RepairQueue;
import io.p2pfs.metadata.replicas.ReplicaDirectory;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Compares one page of a node's inventory (signed by the node's own key) with what this service
 * believes the node holds, over the page's id range, both ways:
 * <ul>
 * <li>a confirmed replica the node does not list (and that was confirmed well before the node
 * listed its chunks, as far as clocks may differ) is marked BAD and its chunk queued for repair; a
 * copy being deleted that the node no longer lists is taken as deleted;
 * <li>a chunk the node lists that is recorded nowhere for it: a chunk still in use is counted as
 * a replica (repair removes it again if it is surplus); a chunk being collected, or one nothing
 * tracks and that the node wrote longer than the garbage grace period ago, is asked to go (with
 * {@code notTouchedSince}, so a copy written meanwhile stays).
 * </ul>
 * A drained, removed node's reports change nothing.
 */
@ApplicationScoped
public class InventoryReconciliation {

    /** What one page changed. */
    public record Outcome(int listed, int missing, int adopted, int deletes) {
    }

    private final NodeKeys nodeKeys;
    private final ReplicaDirectory replicas;
    private final RepairQueue queue;
    private final PlacementPlanner planner;
    private final Offload offload;
    private final GcConfig gc;
    private final Counter missingCounter;
    private final Counter adoptedCounter;
    private final Counter deletesCounter;

    public InventoryReconciliation(NodeKeys nodeKeys, ReplicaDirectory replicas, RepairQueue queue,
            PlacementPlanner planner, Offload offload, GcConfig gc, MeterRegistry metrics) {
        this.nodeKeys = nodeKeys;
        this.replicas = replicas;
        this.queue = queue;
        this.planner = planner;
        this.offload = offload;
        this.gc = gc;
        this.missingCounter = metrics.counter("p2pfs_inventory_chunks_total", "outcome", "missing");
        this.adoptedCounter = metrics.counter("p2pfs_inventory_chunks_total", "outcome", "adopted");
        this.deletesCounter = metrics.counter("p2pfs_inventory_chunks_total", "outcome", "deleted");
    }

    public Uni<Outcome> reconcile(UUID nodeId, String compact) {
        InventoryReports.Report claimed;
        try {
            claimed = InventoryReports.claims(compact);
        } catch (InventoryReports.InvalidReport e) {
            throw new BadRequest("Not an inventory report: " + e.getMessage() + ".");
        }
        if (!nodeId.toString().equals(claimed.nodeId())) {
            throw new Forbidden("The report is about another node.");
        }
        // A report from longer ago than the clocks may differ (and than a page takes) is stale.
        long tolerance = Math.max(gc.nodeClockSkew().toSeconds(), 60);
        long now = Instant.now().getEpochSecond();
        if (Math.abs(now - claimed.listedAt()) > tolerance) {
            throw new BadRequest("The report was listed at " + Instant.ofEpochSecond(claimed.listedAt())
                    + ", too far from now; list again.");
        }
        return Panache.withSession(() -> nodeKeys.load(List.of(nodeId)))
                .flatMap(known -> {
                    NodeKeys.KnownNode node = known.get(nodeId);
                    if (node == null) {
                        throw new NotFound("No node " + nodeId + ".");
                    }
                    if (node.key() == null) {
                        throw new Forbidden("Node " + nodeId + " has no usable registered key.");
                    }
                    return offload.cpu(() -> {
                        try {
                            return InventoryReports.verify(compact, node.key());
                        } catch (InventoryReports.InvalidReport e) {
                            throw (ProblemException) new Forbidden("The report's signature does not verify with "
                                    + "the node's registered key.");
                        }
                    });
                })
                .flatMap(report -> Panache.withTransaction(() -> Panache.getSession()
                        .flatMap(db -> db.createNativeQuery("SELECT count(*) FROM nodes WHERE node_id = :node "
                                + "AND removed_at IS NOT NULL", Long.class).setParameter("node", nodeId).getSingleResult()
                                // A removed node holds nothing counted on: what it lists changes nothing.
                                .flatMap(removed -> removed > 0
                                        ? Uni.createFrom().item(new Outcome(report.chunks().size(), 0, 0, 0))
                                        : apply(db, nodeId, report)))));
    }

    private record Known(String state, Instant updatedAt) {
    }

    private Uni<Outcome> apply(Mutiny.Session db, UUID nodeId, InventoryReports.Report report) {
        List<InventoryReports.Entry> listed = report.chunks();
        String from = report.after() == null ? "" : report.after();
        String to = report.last() ? null : listed.get(listed.size() - 1).chunkId();
        Set<String> ids = new HashSet<>();
        listed.forEach(entry -> ids.add(entry.chunkId()));
        Instant listedAt = Instant.ofEpochSecond(report.listedAt());
        Instant settledBefore = listedAt.minus(gc.nodeClockSkew());
        var query = db.createNativeQuery("SELECT chunk_id, state, updated_at FROM replicas WHERE node_id = :node "
                + "AND chunk_id > :from" + (to == null ? "" : " AND chunk_id <= :to"), Object[].class)
                .setParameter("node", nodeId).setParameter("from", from);
        if (to != null) {
            query.setParameter("to", to);
        }
        return query.getResultList()
                .flatMap(rows -> {
                    Map<String, Known> recorded = new HashMap<>();
                    for (Object[] row : rows) {
                        Instant updated = row[2] instanceof java.time.OffsetDateTime time ? time.toInstant()
                                : (Instant) row[2];
                        recorded.put((String) row[0], new Known((String) row[1], updated));
                    }
                    List<String> missing = new ArrayList<>();
                    List<String> goneWhileDeleting = new ArrayList<>();
                    recorded.forEach((chunk, known) -> {
                        if (ids.contains(chunk)) {
                            return;
                        }
                        if ("CONFIRMED".equals(known.state()) && known.updatedAt().isBefore(settledBefore)) {
                            missing.add(chunk);
                        } else if ("DELETING".equals(known.state())) {
                            goneWhileDeleting.add(chunk);
                        }
                    });
                    List<String> unknown = listed.stream().map(InventoryReports.Entry::chunkId)
                            .filter(id -> !recorded.containsKey(id)).toList();
                    return markMissing(db, nodeId, missing)
                            .flatMap(v -> io.p2pfs.common.reactive.Sequence.forEach(goneWhileDeleting,
                                    chunk -> replicas.deleted(db, chunk, nodeId)))
                            .flatMap(v -> unknown(db, nodeId, report, unknown))
                            .map(counts -> {
                                missingCounter.increment(missing.size());
                                adoptedCounter.increment(counts[0]);
                                deletesCounter.increment(counts[1]);
                                if (!missing.isEmpty() || counts[0] + counts[1] > 0) {
                                    Log.infof("Inventory of node %s: %d chunk(s) missing, %d adopted, %d to delete",
                                            nodeId, missing.size(), counts[0], counts[1]);
                                }
                                return new Outcome(listed.size(), missing.size(), counts[0], counts[1]);
                            });
                });
    }

    private Uni<Void> markMissing(Mutiny.Session db, UUID nodeId, List<String> missing) {
        if (missing.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return db.createNativeQuery("UPDATE replicas SET state = 'BAD', updated_at = now() WHERE node_id = :node "
                + "AND state = 'CONFIRMED' AND chunk_id = ANY(string_to_array(:ids, ','))")
                .setParameter("node", nodeId).setParameter("ids", String.join(",", missing)).executeUpdate()
                .flatMap(n -> queue.enqueue(db, missing, "missing from the node's inventory")).replaceWithVoid();
    }

    /** Adopts what is still in use, asks for the deletion of garbage; answers {adopted, deletes}. */
    private Uni<int[]> unknown(Mutiny.Session db, UUID nodeId, InventoryReports.Report report, List<String> unknown) {
        if (unknown.isEmpty()) {
            return Uni.createFrom().item(new int[] {0, 0});
        }
        Map<String, Long> writtenAt = new HashMap<>();
        report.chunks().forEach(entry -> writtenAt.put(entry.chunkId(), entry.writtenAt()));
        // Garbage only when written before the grace period and before the clocks' uncertainty.
        long graceEnd = report.listedAt() - Math.max(gc.grace().toSeconds(), gc.nodeClockSkew().toSeconds());
        return db.createNativeQuery("SELECT t.id, c.chunk_id IS NOT NULL, c.deleting_at IS NOT NULL, "
                + "EXISTS (SELECT 1 FROM upload_chunks u JOIN upload_sessions s ON s.upload_id = u.upload_id "
                + "WHERE u.chunk_id = t.id AND s.state = 'OPEN' AND s.expires_at > now()) "
                + "FROM unnest(string_to_array(:ids, ',')) AS t(id) LEFT JOIN chunks c ON c.chunk_id = t.id",
                Object[].class).setParameter("ids", String.join(",", unknown)).getResultList()
                .flatMap(rows -> {
                    List<String> adopt = new ArrayList<>();
                    List<String> delete = new ArrayList<>();
                    for (Object[] row : rows) {
                        String chunk = (String) row[0];
                        boolean tracked = Boolean.TRUE.equals(row[1]);
                        boolean deleting = Boolean.TRUE.equals(row[2]);
                        boolean uploading = Boolean.TRUE.equals(row[3]);
                        if (tracked && !deleting) {
                            adopt.add(chunk);
                        } else if (deleting || (!uploading && writtenAt.getOrDefault(chunk, Long.MAX_VALUE) < graceEnd)) {
                            delete.add(chunk);
                        }
                    }
                    Instant notTouchedSince = Instant.ofEpochSecond(report.listedAt()).minus(gc.nodeClockSkew());
                    Uni<Void> adopted = adopt.isEmpty() ? Uni.createFrom().voidItem()
                            : io.p2pfs.common.reactive.Sequence.forEach(adopt, chunk -> replicas.confirm(db, chunk, nodeId))
                                    .flatMap(v -> queue.enqueue(db, adopt, "a copy found in the node's inventory"))
                                    .replaceWithVoid();
                    return adopted
                            .flatMap(v -> delete.isEmpty() ? Uni.createFrom().<List<ChunkEvents.DeleteRequested>>item(List.of())
                                    : offload.cpu(() -> delete.stream().map(chunk -> planner.deletion(chunk, nodeId,
                                            notTouchedSince)).toList()))
                            .flatMap(requests -> replicas.requestDeletions(db, requests))
                            .replaceWith(new int[] {adopt.size(), delete.size()});
                });
    }
}
