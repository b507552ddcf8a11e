package io.p2pfs.metadata.datapath;

import io.p2pfs.client.chunks.FastCdc;
import io.p2pfs.client.placement.Placement;
import io.p2pfs.common.chunks.ChunkEvents;
import io.p2pfs.common.chunks.ChunkTokens;
import io.p2pfs.common.events.AuditData;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.outbox.Outbox;
import io.p2pfs.common.paths.FsPath;
import io.p2pfs.common.problem.BadRequest;
import io.p2pfs.common.problem.Conflict;
import io.p2pfs.common.problem.PreconditionFailed;
import io.p2pfs.common.problem.ProblemException;
import io.p2pfs.common.problem.ServiceUnavailable;
import io.p2pfs.metadata.Db;
import io.p2pfs.metadata.acl.AclService;
import io.p2pfs.metadata.namespace.Caller;
import io.p2pfs.metadata.conflicts.ConflictNames;
import io.p2pfs.metadata.conflicts.ConflictResolution;
import io.p2pfs.client.chunks.ChunkCipher;
import io.p2pfs.metadata.crypto.KeyRing;
import io.p2pfs.metadata.locks.LockGuard;
import io.p2pfs.metadata.namespace.Entry;
import io.p2pfs.metadata.namespace.FileVersion;
import io.p2pfs.metadata.namespace.Manifest;
import io.p2pfs.metadata.namespace.Namespace;
import io.p2pfs.metadata.policies.ConflictStrategy;
import io.p2pfs.metadata.policies.EffectivePolicy;
import io.p2pfs.metadata.policies.PolicyService;
import io.p2pfs.metadata.policies.VersionRetention;
import io.p2pfs.metadata.tokens.ChunkTokenSigner;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Stores one upload as a new file version (design §5, §6): the body streams through FastCDC,
 * each chunk is convergently encrypted, chunks already held by enough live replicas are not sent
 * again, new ones are written synchronously to W peers chosen by HRW and requested from the
 * remaining R−W peers by placement events. At most {@code chunksInFlight} chunks are in memory,
 * whatever the file size. The version, its chunk references and its events commit in one
 * transaction at the end, so a failed or abandoned upload leaves no visible version.
 */
@ApplicationScoped
public class UploadPipeline {

    private static final HexFormat HEX = HexFormat.of();

    private final KeyRing keys;
    private final Namespace namespace;
    private final ReplicaDirectory replicas;
    private final ChunkTokenSigner tokens;
    private final PeerClient peers;
    private final Outbox outbox;
    private final ChunkExecutor executor;
    private final DataPathConfig.Placement placement;
    private final FastCdc chunker;
    private final AclService acls;
    private final LockGuard locks;
    private final PolicyService policies;
    private final VersionRetention retention;

    public UploadPipeline(KeyRing keys, Namespace namespace, ReplicaDirectory replicas, ChunkTokenSigner tokens,
            PeerClient peers, Outbox outbox, ChunkExecutor executor, DataPathConfig.Placement placement,
            DataPathConfig.Chunking chunking, AclService acls, LockGuard locks, PolicyService policies,
            VersionRetention retention) {
        this.acls = acls;
        this.locks = locks;
        this.policies = policies;
        this.retention = retention;
        this.keys = keys;
        this.namespace = namespace;
        this.replicas = replicas;
        this.tokens = tokens;
        this.peers = peers;
        this.outbox = outbox;
        this.executor = executor;
        this.placement = placement;
        this.chunker = new FastCdc((int) chunking.minSize().asLongValue(), (int) chunking.avgSize().asLongValue(),
                (int) chunking.maxSize().asLongValue());
    }

    /** Conditional-request headers of the upload. */
    public record Conditions(String ifMatch, boolean createOnly) {
    }

    /**
     * @param baseVersion the version the upload was based on ({@code null}: it expected no file)
     * @param conflict    how a conflict was resolved, {@code null} when there was none
     */
    public record Result(String path, int version, long size, String sha256, int chunks, int chunksSent,
            boolean created, String etag, Integer baseVersion, ConflictOutcome conflict) {
    }

    /**
     * A conflict the directory's strategy resolved: {@code conflictsWith} is the file another
     * writer committed {@code otherVersion} of while this upload ran.
     */
    public record ConflictOutcome(ConflictStrategy strategy, String conflictsWith, int otherVersion) {
    }

    /** What the upload starts from: where it goes, which version it replaces, where chunks may go. */
    private record Plan(long parentId, Long entryId, Integer baseVersion, List<Placement.Candidate> nodes,
            int replicationFactor, EffectivePolicy policy, Set<String> lockTokens) {
    }

    /** Where a commit lands: the file itself or, for KEEP_BOTH, a new file beside it. */
    private record Target(Entry entry, FsPath path, ConflictResolution resolution, Integer otherVersion) {
    }

    /** A 412 from the FAIL strategy at commit, published as {@code file.conflict} after the rollback. */
    private static final class CommitConflict extends PreconditionFailed {
        final transient Map<String, Object> details;

        CommitConflict(String detail, Map<String, Object> details) {
            super(detail);
            this.details = details;
        }
    }

    /** One chunk after placement: where it was written, and the requests for its other replicas. */
    private record Placed(Manifest.ChunkRef ref, int cipherSize, List<Placement.Candidate> written,
            List<ChunkEvents.PlacementRequested> requested) {
    }

    public Result upload(FsPath path, InputStream body, Caller who, Conditions conditions) {
        String caller = who.id();
        if (path.isRoot()) {
            throw new Conflict("/ is a directory.");
        }
        Set<String> lockTokens = locks.presentedTokens();
        Plan plan = Db.inTransaction(session -> acls.requireWrite(path, who, "upload")
                .flatMap(chain -> prepare(path, chain, caller, conditions, lockTokens)));
        int writeQuorum = Math.min(2, plan.replicationFactor());
        MessageDigest content = sha256();
        List<Future<Placed>> placed = new ArrayList<>();
        Map<String, CompletableFuture<Placed>> inThisUpload = new ConcurrentHashMap<>();
        Semaphore inFlight = new Semaphore(placement.chunksInFlight());
        try {
            FastCdc.Stream stream = chunker.stream(body);
            byte[] plain;
            while ((plain = stream.next()) != null) {
                content.update(plain);
                inFlight.acquire();
                byte[] chunk = plain;
                placed.add(executor.submit(() -> {
                    try {
                        return place(chunk, plan, writeQuorum, inThisUpload);
                    } finally {
                        inFlight.release();
                    }
                }));
            }
            List<Placed> chunks = new ArrayList<>(placed.size());
            for (Future<Placed> future : placed) {
                chunks.add(future.get());
            }
            String sha = HEX.formatHex(content.digest());
            return commitOrRecordConflict(path, plan, chunks, sha, caller, conditions);
        } catch (IOException e) {
            cancel(placed);
            throw new BadRequest("The upload body broke off before its end; nothing was stored.");
        } catch (InterruptedException e) {
            cancel(placed);
            Thread.currentThread().interrupt();
            throw new ServiceUnavailable("The upload was interrupted; nothing was stored.");
        } catch (ExecutionException e) {
            cancel(placed);
            if (e.getCause() instanceof ProblemException problem) {
                throw problem;
            }
            throw new IllegalStateException("chunk placement failed", e.getCause());
        }
    }

    /** {@code chain}: the entries from the root to the file, or to its directory when it is new. */
    private Uni<Plan> prepare(FsPath path, List<Entry> chain, String caller, Conditions conditions,
            Set<String> lockTokens) {
        boolean exists = chain.size() == path.segments().size() + 1;
        Entry parent = chain.get(chain.size() - (exists ? 2 : 1));
        Entry existing = exists ? chain.get(chain.size() - 1) : null;
        if (existing != null && existing.isDir()) {
            throw new Conflict(path + " is a directory.");
        }
        return locks.requireWritable(path, caller, lockTokens, "write")
                .flatMap(v -> policies.effectiveFor(path)).flatMap(policy -> {
                    Integer base = baseVersion(conditions, existing, policy.conflictStrategy());
                    return replicas.liveCandidates().map(nodes -> {
                        int r = policy.replicationFactor();
                        int w = Math.min(2, r);
                        if (nodes.size() < w) {
                            throw new ServiceUnavailable("Only " + nodes.size() + " storage node(s) "
                                    + "are up; an upload needs at least " + w + ".")
                                    .withHeader("Retry-After", "30");
                        }
                        return new Plan(parent.entryId, existing == null ? null : existing.entryId,
                                base, nodes, r, policy, lockTokens);
                    });
                });
    }

    /**
     * The version the upload is based on: the current one, or the one {@code If-Match} names.
     * Naming an older version is a conflict from the start; only FAIL refuses it here.
     */
    static Integer baseVersion(Conditions conditions, Entry existing, ConflictStrategy strategy) {
        boolean exists = existing != null && existing.currentVersion != null;
        if (conditions.createOnly() && exists) {
            throw new PreconditionFailed("The file exists and If-None-Match: * asked to create only.")
                    .with("currentEtag", etag(existing.entryId, existing.currentVersion))
                    .withHeader("ETag", etag(existing.entryId, existing.currentVersion));
        }
        if (conditions.ifMatch() == null) {
            return exists ? existing.currentVersion : null;
        }
        Integer named = exists ? namedVersion(conditions.ifMatch(), existing.entryId, existing.currentVersion) : null;
        if (named == null || (!named.equals(existing.currentVersion) && strategy == ConflictStrategy.FAIL)) {
            PreconditionFailed failed = new PreconditionFailed("If-Match does not name the current version.");
            if (exists) {
                String current = etag(existing.entryId, existing.currentVersion);
                failed.with("currentEtag", current).withHeader("ETag", current);
            }
            throw failed;
        }
        return named;
    }

    /** The newest version of the entry an {@code If-Match} header names ({@code *}: the current one), or null. */
    static Integer namedVersion(String header, long entryId, int currentVersion) {
        Integer named = null;
        for (String candidate : header.split(",")) {
            String tag = candidate.trim();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals("*")) {
                return currentVersion;
            }
            String prefix = "\"" + entryId + ".";
            if (tag.startsWith(prefix) && tag.endsWith("\"") && tag.length() > prefix.length() + 1) {
                try {
                    int version = Integer.parseInt(tag.substring(prefix.length(), tag.length() - 1));
                    if (version >= 1 && version <= currentVersion && (named == null || version > named)) {
                        named = version;
                    }
                } catch (NumberFormatException e) {
                    // not one of our ETags: names nothing
                }
            }
        }
        return named;
    }

    static boolean matches(String header, String etag) {
        for (String candidate : header.split(",")) {
            String c = candidate.trim();
            if (c.equals("*") || c.equals(etag) || c.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    public static String etag(long entryId, int version) {
        return "\"" + entryId + "." + version + "\"";
    }

    private Placed place(byte[] plain, Plan plan, int writeQuorum, Map<String, CompletableFuture<Placed>> inThisUpload)
            throws Exception {
        ChunkCipher.Sealed sealed = ChunkCipher.encrypt(keys.convergence(), plain, plain.length);
        String chunkId = HEX.formatHex(sealed.chunkId());
        Manifest.ChunkRef ref = new Manifest.ChunkRef(chunkId, sealed.plainHash(), sealed.key(), plain.length);
        CompletableFuture<Placed> mine = new CompletableFuture<>();
        CompletableFuture<Placed> first = inThisUpload.putIfAbsent(chunkId, mine);
        if (first != null) {
            Placed earlier = first.get();
            return new Placed(ref, earlier.cipherSize(), List.of(), List.of());
        }
        try {
            long confirmed = Db.inTransaction(session -> replicas.liveConfirmed(session, chunkId));
            Placed result;
            if (confirmed >= writeQuorum) {
                result = new Placed(ref, sealed.cipher().length, List.of(), List.of());
            } else {
                result = write(chunkId, ref, sealed.cipher(), plan, writeQuorum);
            }
            mine.complete(result);
            return result;
        } catch (Exception e) {
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private Placed write(String chunkId, Manifest.ChunkRef ref, byte[] cipher, Plan plan, int writeQuorum) {
        List<Placement.Candidate> ranked = Placement.rank(chunkId, plan.nodes());
        List<Placement.Candidate> written = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        // The W best-ranked nodes are written at the same time; a node that fails is replaced by
        // the next in rank, until W hold the chunk or no node is left.
        int next = 0;
        while (written.size() < writeQuorum && next < ranked.size()) {
            List<Placement.Candidate> round = ranked.subList(next,
                    Math.min(ranked.size(), next + writeQuorum - written.size()));
            next += round.size();
            List<CompletableFuture<Void>> puts = round.stream().map(node -> peers.putAsync(node.url(), chunkId,
                    tokens.sign(chunkId, ChunkTokens.Op.write, node.nodeId()), cipher, cipher.length)).toList();
            for (int i = 0; i < round.size(); i++) {
                try {
                    puts.get(i).join();
                    written.add(round.get(i));
                } catch (java.util.concurrent.CompletionException failure) {
                    failures.add(failure.getCause() != null ? failure.getCause().getMessage() : failure.getMessage());
                }
            }
        }
        if (written.size() < writeQuorum) {
            Log.warnf("Chunk %s reached %d of %d replicas: %s", chunkId, written.size(), writeQuorum, failures);
            throw new ServiceUnavailable("Only " + written.size() + " of the " + writeQuorum
                    + " required storage nodes accepted a chunk; nothing was stored.").withHeader("Retry-After", "30");
        }
        // Tokens are signed here, on the worker, rather than in the commit on the event loop.
        Placement.Candidate source = written.get(0);
        List<ChunkEvents.PlacementRequested> requested = ranked.stream().filter(n -> !written.contains(n))
                .limit(Math.max(0, plan.replicationFactor() - written.size()))
                .map(target -> replicas.placementRequest(chunkId, source.nodeId(), source.url(), target,
                        cipher.length))
                .toList();
        return new Placed(ref, cipher.length, written, requested);
    }

    /** Commits; a FAIL-strategy conflict is published as {@code file.conflict} in a transaction of its own. */
    private Result commitOrRecordConflict(FsPath path, Plan plan, List<Placed> chunks, String sha, String caller,
            Conditions conditions) {
        try {
            return Db.inTransaction(session -> commit(session, path, plan, chunks, sha, caller, conditions));
        } catch (CommitConflict conflict) {
            Db.inTransaction(session -> outbox.record(Topics.FILES, pathKey(path), EventTypes.FILE_CONFLICT,
                    path.toString(), new AuditData(caller, EventTypes.FILE_CONFLICT, path.toString(),
                            AuditData.Outcome.FAILED, conflict.detail(), null, null, conflict.details)));
            throw conflict;
        }
    }

    private Uni<Result> commit(Mutiny.Session session, FsPath path, Plan plan, List<Placed> chunks, String sha,
            String caller, Conditions conditions) {
        // The row is locked before the lock check reads it: the session must not hold it unlocked first.
        return target(session, path, plan, caller, conditions)
                .call(target -> locks.requireWritable(path, caller, plan.lockTokens(), "write"))
                .flatMap(target -> writeVersion(session, path, target, plan, chunks, sha, caller));
    }

    /**
     * Locks the file's row (creating the entry if the upload expected none, or meeting the one
     * a concurrent creator made) and decides by the base and current versions where the
     * commit goes. Commits of one file serialise on that row, which makes version numbers
     * gap-free; the versions primary key makes them unique.
     */
    private Uni<Target> target(Mutiny.Session session, FsPath path, Plan plan, String caller,
            Conditions conditions) {
        Uni<Entry> current = plan.entryId() == null
                ? createOrLock(session, plan.parentId(), path.name(), caller)
                : Entry.<Entry>findById(plan.entryId(), jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                        .map(existing -> {
                            if (existing == null) {
                                throw new PreconditionFailed(path + " was deleted while the upload ran.");
                            }
                            return existing;
                        });
        return current.flatMap(entry -> {
            ConflictResolution resolution = ConflictResolution.decide(plan.policy().conflictStrategy(),
                    plan.baseVersion(), entry.currentVersion, conditions.createOnly());
            return switch (resolution) {
                case COMMIT, COMMIT_NEXT -> Uni.createFrom().item(new Target(entry, path, resolution,
                        entry.currentVersion));
                case FAIL -> throw failed(path, entry, plan, conditions);
                case KEEP_BOTH -> keepBoth(session, plan.parentId(), path, caller, Namespace.now(), 1)
                        .map(beside -> new Target(beside.entry(), beside.path(), resolution, entry.currentVersion));
            };
        });
    }

    /** The entry at {@code name}, locked: the one a concurrent creator committed, or a new one. */
    private Uni<Entry> createOrLock(Mutiny.Session session, long parentId, String name, String caller) {
        return insertIfAbsent(session, parentId, name, caller)
                .flatMap(inserted -> namespace.childForUpdate(parentId, name));
    }

    /**
     * Inserts a file entry unless the name is taken; true if inserted. A concurrent insert of
     * the same name is waited for and then counts as taken, so no writer fails on the constraint.
     */
    private Uni<Boolean> insertIfAbsent(Mutiny.Session session, long parentId, String name, String caller) {
        Entry fresh = namespace.newEntry(parentId, name, Entry.FILE, caller);
        return session.createNativeQuery("INSERT INTO entries (parent_id, name_hmac, name_sealed, key_id, kind, "
                + "owner_id) VALUES (:parent, :hmac, :sealed, :key, 'FILE', :owner) "
                + "ON CONFLICT (parent_id, name_hmac) DO NOTHING")
                .setParameter("parent", parentId).setParameter("hmac", fresh.nameHmac)
                .setParameter("sealed", fresh.nameSealed).setParameter("key", fresh.keyId)
                .setParameter("owner", caller).executeUpdate().map(n -> n == 1);
    }

    /** A new file beside {@code path} under the first free conflict name (design §7). */
    private Uni<Target> keepBoth(Mutiny.Session session, long parentId, FsPath path, String caller,
            java.time.Instant at, int attempt) {
        if (attempt > 10_000) {
            throw new Conflict("No free conflict name beside " + path + ".");
        }
        String name = ConflictNames.name(path.name(), caller, at, attempt);
        return insertIfAbsent(session, parentId, name, caller).flatMap(inserted -> inserted
                ? namespace.childForUpdate(parentId, name).map(entry -> new Target(entry, path.parent().child(name),
                        ConflictResolution.KEEP_BOTH, null))
                : keepBoth(session, parentId, path, caller, at, attempt + 1));
    }

    /** The 412 of a commit that must not go ahead; only the FAIL strategy's is a published conflict. */
    private static PreconditionFailed failed(FsPath path, Entry current, Plan plan, Conditions conditions) {
        PreconditionFailed failed;
        if (conditions.createOnly()) {
            failed = new PreconditionFailed(path + " was created while this upload ran and If-None-Match: * asked "
                    + "to create only; nothing was stored.");
        } else {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("path", path.toString());
            details.put("strategy", plan.policy().conflictStrategy().name());
            details.put("baseVersion", plan.baseVersion());
            details.put("otherVersion", current.currentVersion);
            failed = new CommitConflict("Another version of " + path + " was committed while this upload ran; "
                    + "nothing was stored.", details);
        }
        if (current.currentVersion != null) {
            String etag = etag(current.entryId, current.currentVersion);
            failed.with("currentEtag", etag).withHeader("ETag", etag);
        }
        failed.with("baseVersion", plan.baseVersion());
        return failed;
    }

    private Uni<Result> writeVersion(Mutiny.Session session, FsPath requested, Target target, Plan plan,
            List<Placed> chunks, String sha, String caller) {
        Entry entry = target.entry();
        FsPath path = target.path();
        int version = entry.currentVersion == null ? 1 : entry.currentVersion + 1;
        Manifest manifest = new Manifest(chunks.stream().map(Placed::ref).toList());
        FileVersion row = new FileVersion();
        row.entryId = entry.entryId;
        row.version = version;
        row.size = manifest.size();
        row.contentSha256 = HEX.parseHex(sha);
        row.manifestSealed = manifest.seal(keys, entry.entryId, version);
        row.keyId = keys.keyId();
        row.chunkCount = chunks.size();
        row.createdBy = caller;
        row.createdAt = Namespace.now();
        entry.currentVersion = version;
        entry.updatedAt = row.createdAt;
        int sent = (int) chunks.stream().filter(c -> !c.written().isEmpty()).count();
        ConflictOutcome conflict = target.resolution().isConflict()
                ? new ConflictOutcome(plan.policy().conflictStrategy(), requested.toString(), target.otherVersion())
                : null;
        return insertChunks(session, chunks, plan.replicationFactor())
                .flatMap(v -> row.persistAndFlush())
                .flatMap(v -> insertReferences(session, entry.entryId, version, manifest))
                .flatMap(v -> requestRemainingReplicas(session, chunks))
                .flatMap(v -> retention.prune(entry.entryId, version, plan.policy()))
                .flatMap(pruned -> {
                    Map<String, Object> details = details(path, version, manifest.size(), sha, chunks.size(), sent);
                    if (!pruned.isEmpty()) {
                        details.put("prunedVersions", pruned);
                    }
                    return outbox.record(Topics.FILES, pathKey(path), EventTypes.FILE_UPLOADED, path.toString(),
                            AuditData.success(caller, EventTypes.FILE_UPLOADED, path.toString(), details));
                })
                .flatMap(event -> conflict == null ? Uni.createFrom().voidItem()
                        : outbox.record(Topics.FILES, pathKey(requested), EventTypes.FILE_CONFLICT,
                                requested.toString(), AuditData.success(caller, EventTypes.FILE_CONFLICT,
                                        requested.toString(), conflictDetails(requested, path, plan, target,
                                                version))).replaceWithVoid())
                .map(v -> new Result(path.toString(), version, manifest.size(), sha, chunks.size(), sent,
                        version == 1, etag(entry.entryId, version), plan.baseVersion(), conflict));
    }

    private static Map<String, Object> conflictDetails(FsPath requested, FsPath committed, Plan plan, Target target,
            int version) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("path", requested.toString());
        details.put("strategy", plan.policy().conflictStrategy().name());
        details.put("baseVersion", plan.baseVersion());
        details.put("otherVersion", target.otherVersion());
        details.put("committedPath", committed.toString());
        details.put("committedVersion", version);
        return details;
    }

    private Uni<Void> insertChunks(Mutiny.Session session, List<Placed> chunks, int replicationFactor) {
        List<Placed> fresh = chunks.stream().filter(c -> !c.written().isEmpty()).toList();
        if (fresh.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String ids = fresh.stream().map(c -> c.ref().chunkId()).collect(Collectors.joining(","));
        String sizes = fresh.stream().map(c -> Integer.toString(c.cipherSize())).collect(Collectors.joining(","));
        List<String> replicaChunks = new ArrayList<>();
        List<String> replicaNodes = new ArrayList<>();
        for (Placed c : fresh) {
            for (Placement.Candidate node : c.written()) {
                replicaChunks.add(c.ref().chunkId());
                replicaNodes.add(node.nodeId().toString());
            }
        }
        return session.createNativeQuery("INSERT INTO chunks (chunk_id, cipher_size, replication_factor) "
                + "SELECT id, CAST(size AS int), :r FROM unnest(string_to_array(:ids, ','), "
                + "string_to_array(:sizes, ',')) AS t(id, size) ON CONFLICT (chunk_id) DO NOTHING")
                .setParameter("ids", ids).setParameter("sizes", sizes).setParameter("r", (short) replicationFactor)
                .executeUpdate()
                .flatMap(n -> session.createNativeQuery("INSERT INTO replicas (chunk_id, node_id, state, updated_at) "
                        + "SELECT c, CAST(n AS uuid), 'CONFIRMED', now() FROM unnest(string_to_array(:c, ','), "
                        + "string_to_array(:n, ',')) AS t(c, n) ON CONFLICT (chunk_id, node_id) "
                        + "DO UPDATE SET state = 'CONFIRMED', updated_at = now()")
                        .setParameter("c", String.join(",", replicaChunks))
                        .setParameter("n", String.join(",", replicaNodes)).executeUpdate())
                .replaceWithVoid();
    }

    private static Uni<Void> insertReferences(Mutiny.Session session, long entryId, int version, Manifest manifest) {
        if (manifest.chunks().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String ids = manifest.chunks().stream().map(Manifest.ChunkRef::chunkId).collect(Collectors.joining(","));
        return session.createNativeQuery("INSERT INTO version_chunks (entry_id, version, seq, chunk_id) "
                + "SELECT :entry, :version, CAST(t.seq AS int) - 1, t.id "
                + "FROM unnest(string_to_array(:ids, ',')) WITH ORDINALITY AS t(id, seq)")
                .setParameter("entry", entryId).setParameter("version", version).setParameter("ids", ids)
                .executeUpdate().replaceWithVoid();
    }

    private Uni<Void> requestRemainingReplicas(Mutiny.Session session, List<Placed> chunks) {
        List<ChunkEvents.PlacementRequested> requests = chunks.stream().flatMap(c -> c.requested().stream()).toList();
        return replicas.requestPlacements(session, requests);
    }

    private static Map<String, Object> details(FsPath path, int version, long size, String sha, int chunks, int sent) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("path", path.toString());
        details.put("version", version);
        details.put("size", size);
        details.put("sha256", sha);
        details.put("chunks", chunks);
        details.put("chunksSent", sent);
        return details;
    }

    /** The Kafka key of a path's events: its SHA-256, so one file's events stay in order. */
    public static String pathKey(FsPath path) {
        return HEX.formatHex(sha256().digest(path.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static void cancel(List<Future<Placed>> placed) {
        placed.forEach(f -> f.cancel(true));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
