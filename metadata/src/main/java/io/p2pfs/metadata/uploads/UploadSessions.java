package io.p2pfs.metadata.uploads;

import io.p2pfs.client.api.Uploads;
import io.p2pfs.client.placement.Placement;
import io.p2pfs.common.paths.FsPath;
import io.p2pfs.common.problem.Conflict;
import io.p2pfs.common.problem.Gone;
import io.p2pfs.common.problem.NotFound;
import io.p2pfs.common.problem.ProblemException;
import io.p2pfs.common.problem.ServiceUnavailable;
import io.p2pfs.metadata.acl.AclService;
import io.p2pfs.metadata.core.Caller;
import io.p2pfs.metadata.core.ChunkingConfig;
import io.p2pfs.metadata.core.Offload;
import io.p2pfs.metadata.crypto.KeyRing;
import io.p2pfs.metadata.crypto.SealedBox;
import io.p2pfs.metadata.namespace.Entry;
import io.p2pfs.metadata.namespace.WriteGuard;
import io.p2pfs.metadata.policies.PolicyService;
import io.p2pfs.metadata.replicas.PlacementPlanner;
import io.p2pfs.metadata.replicas.ReplicaDirectory;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.LockModeType;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Upload sessions: beginning one (WRITE, locks, conditions and the directory's policy checked,
 * the writer's convergence key handed out), placements for batches of new chunks (one query for
 * the batch: what the writer's own data already holds, then HRW targets with write tokens), and
 * aborting. The commit is {@link UploadCommit}'s. A session belongs to its writer alone: anyone
 * else gets 404, as for a session that never existed; an ended or expired one is 410.
 */
@ApplicationScoped
public class UploadSessions {

    private final AclService acls;
    private final WriteGuard guard;
    private final PolicyService policies;
    private final ReplicaDirectory replicas;
    private final PlacementPlanner planner;
    private final KeyRing keys;
    private final UploadsConfig.Sessions config;
    private final ChunkingConfig chunking;
    private final Offload offload;

    public UploadSessions(AclService acls, WriteGuard guard, PolicyService policies, ReplicaDirectory replicas,
            PlacementPlanner planner, KeyRing keys, UploadsConfig.Sessions config, ChunkingConfig chunking,
            Offload offload) {
        this.acls = acls;
        this.guard = guard;
        this.policies = policies;
        this.replicas = replicas;
        this.planner = planner;
        this.keys = keys;
        this.config = config;
        this.chunking = chunking;
        this.offload = offload;
    }

    @WithTransaction
    public Uni<Uploads.Session> begin(FsPath path, UploadConditions conditions, Caller caller, Set<String> lockTokens) {
        return checked(path, conditions, caller, lockTokens).flatMap(session -> replicas.liveCandidates()
                .flatMap(live -> {
                    int w = Math.min(2, session.replicationFactor);
                    requireEnoughNodes(live, w);
                    session.pathSealed = SealedBox.seal(keys.names(), path.toString().getBytes(StandardCharsets.UTF_8),
                            associated(session.uploadId));
                    session.writeQuorum = (short) w;
                    session.expiresAt = session.createdAt.plus(config.sessionLifetime());
                    return session.persist().replaceWith(session);
                }))
                .map(session -> answer(session, caller));
    }

    /**
     * The checks of {@link #begin} for a file that will be kept inline, in one read-only session,
     * and the session it would have begun, not stored: its commit follows at once and re-checks
     * everything under the file's row lock. No peer is involved, so live nodes are not needed.
     */
    public Uni<UploadSession> inline(FsPath path, UploadConditions conditions, Caller caller, Set<String> lockTokens) {
        return Panache.withSession(() -> checked(path, conditions, caller, lockTokens));
    }

    /**
     * WRITE, locks, the conditions and the policy in effect, checked in the caller's session; the
     * session they allow (not stored, no write quorum, expiring at once).
     */
    private Uni<UploadSession> checked(FsPath path, UploadConditions conditions, Caller caller,
            Set<String> lockTokens) {
        if (path.isRoot()) {
            throw new Conflict("/ is a directory.");
        }
        return acls.requireWrite(path, caller, "upload").flatMap(chain -> {
            boolean exists = chain.size() == path.segments().size() + 1;
            Entry existing = exists ? chain.get(chain.size() - 1) : null;
            if (existing != null && existing.isDir()) {
                throw new Conflict(path + " is a directory.");
            }
            return guard.requireWritable(path, chain, caller.id(), lockTokens, "write")
                    .flatMap(v -> policies.effectiveFor(chain))
                    .map(policy -> {
                        UploadSession session = new UploadSession();
                        session.uploadId = UUID.randomUUID();
                        session.userId = caller.id();
                        session.keyId = keys.keyId();
                        session.entryId = existing == null ? null : existing.entryId;
                        session.baseVersion = UploadConditions.baseVersion(conditions, existing,
                                policy.conflictStrategy());
                        session.createOnly = conditions.createOnly();
                        session.replicationFactor = (short) policy.replicationFactor();
                        session.writeQuorum = 0;
                        session.state = UploadSession.OPEN;
                        session.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                        session.expiresAt = session.createdAt;
                        return session;
                    });
        });
    }

    private Uploads.Session answer(UploadSession session, Caller caller) {
        KeyRing.Convergence convergence = keys.convergence(caller.id(), session.keyId);
        return new Uploads.Session(session.uploadId, session.expiresAt,
                new Uploads.ConvergenceKey(convergence.keyId(),
                        Base64.getEncoder().encodeToString(convergence.key().getEncoded())),
                new Uploads.Chunking((int) chunking.minSize().asLongValue(), (int) chunking.avgSize().asLongValue(),
                        (int) chunking.maxSize().asLongValue()),
                session.replicationFactor, session.writeQuorum, config.maxChunksPerPlacement());
    }

    /** What a placement batch needs after its transaction: the live nodes and where each new chunk goes. */
    private record Batch(int writeQuorum, Set<String> stored, List<Placement.Candidate> live,
            Map<String, List<Placement.Candidate>> targets) {
    }

    /**
     * Where each chunk of the batch goes. Chunks the writer's own data holds on at least W live
     * nodes are answered {@code stored}; the rest are recorded as this session's new chunks (the
     * commit needs their receipts) and get W + spares targets with write tokens.
     */
    public Uni<Uploads.Placements> place(UUID uploadId, Uploads.PlacementRequest request, Caller caller) {
        UploadRules.placements(request, config.maxChunksPerPlacement(), chunking.maxCipherSize());
        List<String> ids = request.chunks().stream().map(Uploads.ChunkToPlace::chunkId).distinct().toList();
        return Panache.withTransaction(() -> open(uploadId, caller, false).flatMap(session -> Panache.getSession()
                .flatMap(db -> replicas.heldByDomain(db, caller.id(), ids).flatMap(held -> {
                    Set<String> stored = held.entrySet().stream().filter(e -> e.getValue() >= session.writeQuorum)
                            .map(Map.Entry::getKey).collect(Collectors.toSet());
                    List<Uploads.ChunkToPlace> fresh = request.chunks().stream()
                            .filter(c -> !stored.contains(c.chunkId())).toList();
                    return replicas.liveCandidates().flatMap(live -> {
                        Map<String, List<Placement.Candidate>> targets = new java.util.HashMap<>();
                        fresh.forEach(c -> targets.put(c.chunkId(), planner.targets(c.chunkId(), live,
                                session.writeQuorum)));
                        return recordNewChunks(db, uploadId, fresh, targets)
                                .replaceWith(new Batch(session.writeQuorum, stored, live, targets));
                    });
                }))))
                .flatMap(batch -> {
                    if (batch.stored().size() < ids.size()) {
                        requireEnoughNodes(batch.live(), batch.writeQuorum());
                    }
                    return offload.cpu(() -> new Uploads.Placements(request.chunks().stream()
                            .map(chunk -> batch.stored().contains(chunk.chunkId())
                                    ? new Uploads.ChunkPlacement(chunk.chunkId(), true, List.of())
                                    : new Uploads.ChunkPlacement(chunk.chunkId(), false,
                                            planner.signed(chunk.chunkId(), batch.targets().get(chunk.chunkId()))))
                            .toList()));
                });
    }

    /**
     * Records the batch's new chunks with the nodes they are offered to, so that what an upload
     * never committed can be found and deleted.
     */
    private static Uni<Void> recordNewChunks(org.hibernate.reactive.mutiny.Mutiny.Session db, UUID uploadId,
            List<Uploads.ChunkToPlace> chunks, Map<String, List<Placement.Candidate>> targets) {
        if (chunks.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return db.createNativeQuery("INSERT INTO upload_chunks (upload_id, chunk_id, cipher_size, targets) "
                + "SELECT :upload, id, CAST(size AS int), targets FROM unnest(string_to_array(:ids, ','), "
                + "string_to_array(:sizes, ','), string_to_array(:targets, ';')) AS t(id, size, targets) "
                + "ON CONFLICT DO NOTHING")
                .setParameter("upload", uploadId)
                .setParameter("ids", chunks.stream().map(Uploads.ChunkToPlace::chunkId).collect(Collectors.joining(",")))
                .setParameter("sizes", chunks.stream().map(c -> Integer.toString(c.size()))
                        .collect(Collectors.joining(",")))
                .setParameter("targets", chunks.stream().map(c -> targets.get(c.chunkId()).stream()
                        .map(node -> node.nodeId().toString()).collect(Collectors.joining(",")))
                        .collect(Collectors.joining(";")))
                .executeUpdate().replaceWithVoid();
    }

    /** Ends an open session without a commit (idempotent); a committed one cannot be aborted (409). */
    @WithTransaction
    public Uni<Void> abort(UUID uploadId, Caller caller) {
        return find(uploadId, caller, true).flatMap(session -> {
            if (UploadSession.COMMITTED.equals(session.state)) {
                throw new Conflict("Upload " + uploadId + " was committed as version " + session.committedVersion
                        + "; it cannot be aborted.");
            }
            if (UploadSession.OPEN.equals(session.state)) {
                session.state = UploadSession.ABORTED;
                session.endedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            }
            return Uni.createFrom().voidItem();
        });
    }

    /** The caller's open, unexpired session (locked when {@code forUpdate}), in the caller's transaction. */
    Uni<UploadSession> open(UUID uploadId, Caller caller, boolean forUpdate) {
        return find(uploadId, caller, forUpdate).map(session -> {
            if (!UploadSession.OPEN.equals(session.state)) {
                throw gone(uploadId, UploadSession.COMMITTED.equals(session.state)
                        ? "was committed as version " + session.committedVersion : "was aborted");
            }
            if (!session.expiresAt.isAfter(Instant.now())) {
                throw gone(uploadId, "expired at " + session.expiresAt);
            }
            return session;
        });
    }

    private static Uni<UploadSession> find(UUID uploadId, Caller caller, boolean forUpdate) {
        Uni<UploadSession> found = forUpdate ? UploadSession.findById(uploadId, LockModeType.PESSIMISTIC_WRITE)
                : UploadSession.findById(uploadId);
        return found.map(session -> {
            if (session == null || !session.userId.equals(caller.id())) {
                throw new NotFound("No upload " + uploadId + ".");
            }
            return session;
        });
    }

    /** The path a session writes to. */
    FsPath path(UploadSession session) {
        return FsPath.parse(new String(SealedBox.open(keys.names(session.keyId), session.pathSealed,
                associated(session.uploadId)), StandardCharsets.UTF_8));
    }

    static byte[] associated(UUID uploadId) {
        return ByteBuffer.allocate(16).putLong(uploadId.getMostSignificantBits())
                .putLong(uploadId.getLeastSignificantBits()).array();
    }

    private static void requireEnoughNodes(List<Placement.Candidate> live, int writeQuorum) {
        if (live.size() < writeQuorum) {
            throw new ServiceUnavailable("Only " + live.size() + " storage node(s) are up; an upload needs at least "
                    + writeQuorum + ".").withHeader("Retry-After", "30");
        }
    }

    private static ProblemException gone(UUID uploadId, String what) {
        return new Gone("Upload " + uploadId + " " + what + "; begin a new one.");
    }

    /** The new chunks (with ciphertext sizes) a session was given targets for, among {@code ids}. */
    static Uni<Map<String, Integer>> newChunks(org.hibernate.reactive.mutiny.Mutiny.Session db, UUID uploadId,
            List<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return db.createNativeQuery("SELECT chunk_id, cipher_size FROM upload_chunks WHERE upload_id = :upload "
                + "AND chunk_id = ANY(string_to_array(:ids, ','))", Object[].class)
                .setParameter("upload", uploadId).setParameter("ids", String.join(",", ids)).getResultList()
                .map(rows -> {
                    Map<String, Integer> sizes = new java.util.HashMap<>();
                    for (Object[] row : rows) {
                        sizes.put((String) row[0], ((Number) row[1]).intValue());
                    }
                    return sizes;
                });
    }
}
