package io.p2pfs.metadata.replicas;

import io.p2pfs.client.transfer.ChunkTransport;
import io.p2pfs.metadata.core.ChunkingConfig;
import io.p2pfs.metadata.core.Db;
import io.p2pfs.metadata.nodes.StorageNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Replica reports, checked before anything is thrown away. A client (or the gateway) that met a
 * replica which failed to read or authenticate reports it; this service then reads the replica
 * itself and hashes it: only a replica whose bytes are not its chunk id, or whose node says it
 * lacks it, is marked BAD and re-placed from a good copy. A report of a sound replica changes
 * nothing, so no client can get sound replicas discarded. Reports queue without blocking the
 * reporter; a report of a check already queued is merged into it, and beyond the queue's bound
 * reports are counted and dropped (the scrubber and the next read find a bad replica again).
 */
@ApplicationScoped
public class ReplicaChecks {

    private static final int QUEUE = 256;

    private final ReplicaDirectory replicas;
    private final PlacementPlanner planner;
    private final ChunkTransport transport;
    private final PlacementConfig placement;
    private final ChunkingConfig chunking;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final ThreadPoolExecutor workers = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE), Thread.ofPlatform().name("replica-check-", 0).daemon().factory(),
            new ThreadPoolExecutor.AbortPolicy());
    private final Counter received;
    private final Counter dropped;
    private final Counter foundBad;
    private final Counter foundSound;

    public ReplicaChecks(ReplicaDirectory replicas, PlacementPlanner planner, NodeTransport transport,
            PlacementConfig placement, ChunkingConfig chunking, MeterRegistry metrics) {
        this.replicas = replicas;
        this.planner = planner;
        this.transport = transport.transport();
        this.placement = placement;
        this.chunking = chunking;
        this.received = metrics.counter("p2pfs_replica_reports_total", "outcome", "received");
        this.dropped = metrics.counter("p2pfs_replica_reports_total", "outcome", "dropped");
        this.foundBad = metrics.counter("p2pfs_replica_checks_total", "verdict", "bad");
        this.foundSound = metrics.counter("p2pfs_replica_checks_total", "verdict", "sound");
    }

    /** Verdict of one check. */
    public enum Verdict {
        SOUND, BAD, NOT_RECORDED, INCONCLUSIVE
    }

    /** Takes a report; the check runs soon on a worker of its own. Never blocks. */
    public void report(String chunkId, UUID nodeId, String reason, String reporter) {
        received.increment();
        String key = chunkId + "@" + nodeId;
        if (!queued.add(key)) {
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    check(chunkId, nodeId, reason, reporter);
                } catch (RuntimeException e) {
                    Log.warnf("Checking the replica of chunk %s on node %s failed: %s", chunkId, nodeId, e.getMessage());
                } finally {
                    queued.remove(key);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException full) {
            queued.remove(key);
            dropped.increment();
        }
    }

    /** Reads the replica from its node and acts on what it finds. Blocking. */
    public Verdict check(String chunkId, UUID nodeId, String reason, String reporter) {
        StorageNode node = Db.await(() -> Panache.withSession(() -> Panache.getSession()
                .flatMap(session -> replicas.holds(session, chunkId, nodeId))
                .flatMap(held -> held ? StorageNode.<StorageNode>findById(nodeId)
                        : io.smallrye.mutiny.Uni.createFrom().nullItem())));
        if (node == null) {
            return Verdict.NOT_RECORDED;
        }
        String why;
        try {
            byte[] body = transport.get(node.url, chunkId, planner.readToken(chunkId, nodeId), chunking.maxCipherSize())
                    .get(placement.peerTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
            if (HexFormat.of().formatHex(sha256().digest(body)).equals(chunkId)) {
                foundSound.increment();
                Log.infof("Replica of chunk %s on node %s was reported (%s, by %s) and is sound; it stays", chunkId,
                        nodeId, reason, reporter);
                return Verdict.SOUND;
            }
            why = "its bytes do not hash to the chunk id";
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ChunkTransport.Refused refused && refused.status() == 404) {
                why = "the node does not hold it";
            } else {
                Log.infof("Replica of chunk %s on node %s could not be checked (%s); left as it is", chunkId, nodeId,
                        e.getCause() == null ? e : e.getCause().getMessage());
                return Verdict.INCONCLUSIVE;
            }
        } catch (TimeoutException e) {
            return Verdict.INCONCLUSIVE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Verdict.INCONCLUSIVE;
        }
        foundBad.increment();
        String verdict = "checked after a report (" + reason + "): " + why;
        Db.await(() -> Panache.withTransaction(() -> Panache.getSession()
                .flatMap(session -> replicas.markBad(session, chunkId, nodeId, verdict))));
        return Verdict.BAD;
    }

    void stop(@Observes ShutdownEvent shutdown) {
        workers.shutdownNow();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
