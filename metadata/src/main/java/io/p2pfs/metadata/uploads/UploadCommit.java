package io.p2pfs.metadata.uploads;

import io.p2pfs.client.api.Uploads;
import io.p2pfs.client.chunks.ChunkCipher;
import io.p2pfs.client.placement.Placement;
import io.p2pfs.common.chunks.ChunkEvents;
import io.p2pfs.common.paths.FsPath;
import io.p2pfs.common.problem.Conflict;
import io.p2pfs.common.problem.ProblemException;
import io.p2pfs.common.problem.Unprocessable;
import io.p2pfs.metadata.core.Caller;
import io.p2pfs.metadata.core.ChunkingConfig;
import io.p2pfs.metadata.core.Offload;
import io.p2pfs.metadata.crypto.KeyRing;
import io.p2pfs.metadata.namespace.Manifest;
import io.p2pfs.metadata.nodes.NodeKeys;
import io.p2pfs.metadata.replicas.PlacementPlanner;
import io.p2pfs.metadata.replicas.ReplicaDirectory;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Commits an upload session: reads what the commit rests on (the session, the chunks it placed,
 * what the writer's own data already holds, the nodes' keys), checks the manifest and the
 * storage receipts off the event loop, derives each chunk's key from the writer's convergence key
 * and plaintext hash, signs the placement requests for the remaining replicas, and hands the
 * whole to {@link VersionCommit}, which writes it in one transaction.
 */
@ApplicationScoped
public class UploadCommit {

    private final UploadSessions sessions;
    private final VersionCommit versions;
    private final ReplicaDirectory replicas;
    private final NodeKeys nodeKeys;
    private final PlacementPlanner planner;
    private final KeyRing keys;
    private final UploadsConfig.Sessions config;
    private final ChunkingConfig chunking;
    private final Offload offload;

    public UploadCommit(UploadSessions sessions, VersionCommit versions, ReplicaDirectory replicas, NodeKeys nodeKeys,
            PlacementPlanner planner, KeyRing keys, UploadsConfig.Sessions config, ChunkingConfig chunking,
            Offload offload) {
        this.sessions = sessions;
        this.versions = versions;
        this.replicas = replicas;
        this.nodeKeys = nodeKeys;
        this.planner = planner;
        this.keys = keys;
        this.config = config;
        this.chunking = chunking;
        this.offload = offload;
    }

    /** What the commit's checks need, read in one session before the transaction. */
    private record Inputs(UploadSession session, FsPath path, Map<String, Integer> newChunks,
            Map<String, Integer> heldSizes, Map<UUID, NodeKeys.KnownNode> nodes, List<Placement.Candidate> live) {
    }

    public Uni<Uploads.Result> commit(UUID uploadId, Uploads.Commit body, Caller caller, Set<String> lockTokens) {
        List<Uploads.ManifestEntry> manifest = UploadRules.manifest(body, config.maxManifestChunks(),
                (int) chunking.maxSize().asLongValue());
        List<ReceiptCheck.Claimed> claimed = ReceiptCheck.parse(body.receipts());
        List<String> ids = new ArrayList<>(new LinkedHashSet<>(manifest.stream().map(Uploads.ManifestEntry::chunkId)
                .toList()));
        Set<UUID> receiptNodes = claimed.stream().map(ReceiptCheck.Claimed::nodeId).collect(Collectors.toSet());
        return Panache.withSession(() -> sessions.open(uploadId, caller, false).flatMap(session -> Panache.getSession()
                .flatMap(db -> UploadSessions.newChunks(db, uploadId, ids).flatMap(fresh -> {
                    List<String> others = ids.stream().filter(id -> !fresh.containsKey(id)).toList();
                    return replicas.heldByDomain(db, caller.id(), others).flatMap(held -> {
                        List<String> absent = others.stream().filter(id -> !held.containsKey(id)).toList();
                        return replicas.beingCollected(db, caller.id(), absent).map(collected -> {
                            if (!collected.isEmpty()) {
                                throw (ProblemException) new Conflict(collected.size() + " chunk(s) of this upload "
                                        + "were collected as garbage while it ran. Nothing was committed; upload again.")
                                        .with("reason", "chunks-collected").with("chunkIds", collected);
                            }
                            if (!absent.isEmpty()) {
                                throw (ProblemException) new Unprocessable("Chunk " + absent.get(0) + " was never "
                                        + "placed in this upload and is not in your stored data. Nothing was committed.")
                                        .with("chunkId", absent.get(0)).with("reason", "not-placed");
                            }
                            return absent;
                        });
                    }).flatMap(none -> replicas.cipherSizes(db, others)).flatMap(heldSizes -> nodeKeys.load(receiptNodes).flatMap(nodes -> replicas.liveCandidates()
                            .map(live -> new Inputs(session, sessions.path(session), fresh, heldSizes, nodes,
                                    live))));
                }))))
                .flatMap(inputs -> offload.cpu(() -> prepare(inputs, manifest, claimed, body.sha256(), caller,
                        lockTokens)))
                .flatMap(prepared -> versions.commit(prepared)
                        .onFailure(VersionCommit.CommitConflict.class).call(conflict -> versions.recordConflict(uploadId,
                                prepared.path(), caller, (VersionCommit.CommitConflict) conflict)));
    }

    private VersionCommit.Prepared prepare(Inputs inputs, List<Uploads.ManifestEntry> manifest,
            List<ReceiptCheck.Claimed> claimed, String sha256, Caller caller, Set<String> lockTokens) {
        UploadSession session = inputs.session();
        Map<String, Integer> written = new LinkedHashMap<>();
        for (Uploads.ManifestEntry entry : manifest) {
            Integer fresh = inputs.newChunks().get(entry.chunkId());
            int cipherSize = fresh != null ? fresh : inputs.heldSizes().getOrDefault(entry.chunkId(), -1);
            if (cipherSize != entry.plainLength() + ChunkCipher.TAG_BYTES) {
                throw (ProblemException) new Unprocessable("Chunk " + entry.chunkId() + ": a plaintext of "
                        + entry.plainLength() + " bytes does not fit its ciphertext of " + cipherSize + " bytes. Nothing "
                        + "was committed.").with("chunkId", entry.chunkId()).with("reason", "wrong-length");
            }
            if (fresh != null) {
                written.put(entry.chunkId(), fresh);
            }
        }
        Instant now = Instant.now();
        Map<String, List<UUID>> holders = ReceiptCheck.verify(claimed, written, inputs.nodes(), session.writeQuorum,
                session.createdAt.minus(config.receiptClockSkew()), now.plus(config.receiptClockSkew()));
        KeyRing.Convergence convergence = keys.convergence(caller.id(), session.keyId);
        List<Manifest.ChunkRef> refs = new ArrayList<>(manifest.size());
        for (Uploads.ManifestEntry entry : manifest) {
            byte[] plainHash = UploadRules.hex(entry.plainHash());
            refs.add(new Manifest.ChunkRef(entry.chunkId(), plainHash, ChunkCipher.chunkKey(convergence.key(),
                    plainHash), entry.plainLength()));
        }
        List<ReplicaDirectory.Written> chunks = new ArrayList<>();
        List<ChunkEvents.PlacementRequested> placements = new ArrayList<>();
        for (Map.Entry<String, List<UUID>> chunk : holders.entrySet()) {
            int size = written.get(chunk.getKey());
            chunks.add(new ReplicaDirectory.Written(chunk.getKey(), size, chunk.getValue()));
            placements.addAll(planner.remaining(chunk.getKey(), size, chunk.getValue(), inputs.live(),
                    session.replicationFactor));
        }
        return new VersionCommit.Prepared(session.uploadId, inputs.path(), caller, lockTokens, new Manifest(refs),
                sha256, chunks, placements);
    }
}
