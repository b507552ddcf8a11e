package io.p2pfs.metadata.datapath;

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
import io.p2pfs.metadata.crypto.ChunkCipher;
import io.p2pfs.metadata.crypto.KeyRing;
import io.p2pfs.metadata.namespace.Entry;
import io.p2pfs.metadata.namespace.FileVersion;
import io.p2pfs.metadata.namespace.Manifest;
import io.p2pfs.metadata.namespace.Namespace;
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

    public UploadPipeline(KeyRing keys, Namespace namespace, ReplicaDirectory replicas, ChunkTokenSigner tokens,
            PeerClient peers, Outbox outbox, ChunkExecutor executor, DataPathConfig.Placement placement,
            DataPathConfig.Chunking chunking, AclService acls) {
        this.acls = acls;
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

    public record Result(String path, int version, long size, String sha256, int chunks, int chunksSent,
            boolean created, String etag) {
    }

    /** What the upload starts from: where it goes, which version it replaces, where chunks may go. */
    private record Plan(long parentId, Long entryId, Integer baseVersion, List<Placement.Candidate> nodes,
            int replicationFactor) {
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
        Plan plan = Db.inTransaction(session -> acls.requireWrite(path, who, "upload")
                .flatMap(chain -> prepare(path, conditions)));
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
            return Db.inTransaction(session -> commit(session, path, plan, chunks, sha, caller, conditions));
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

    private Uni<Plan> prepare(FsPath path, Conditions conditions) {
        return namespace.requireDir(path.parent()).flatMap(parent -> namespace.child(parent.entryId, path.name())
                .flatMap(existing -> {
                    if (existing != null) {
                        if (existing.isDir()) {
                            throw new Conflict(path + " is a directory.");
                        }
                    }
                    checkConditions(conditions, existing);
                    return replicas.liveCandidates().map(nodes -> {
                        int r = placement.replicationFactor();
                        int w = Math.min(2, r);
                        if (nodes.size() < w) {
                            throw new ServiceUnavailable("Only " + nodes.size() + " storage node(s) are up; an upload "
                                    + "needs at least " + w + ".").withHeader("Retry-After", "30");
                        }
                        return new Plan(parent.entryId, existing == null ? null : existing.entryId,
                                existing == null ? null : existing.currentVersion, nodes, r);
                    });
                }));
    }

    private static void checkConditions(Conditions conditions, Entry existing) {
        boolean exists = existing != null && existing.currentVersion != null;
        if (conditions.createOnly() && exists) {
            throw new PreconditionFailed("The file exists and If-None-Match: * asked to create only.")
                    .with("currentEtag", etag(existing.entryId, existing.currentVersion))
                    .withHeader("ETag", etag(existing.entryId, existing.currentVersion));
        }
        if (conditions.ifMatch() != null) {
            String current = exists ? etag(existing.entryId, existing.currentVersion) : null;
            if (current == null || !matches(conditions.ifMatch(), current)) {
                PreconditionFailed failed = new PreconditionFailed("If-Match does not name the current version.");
                if (current != null) {
                    failed.with("currentEtag", current).withHeader("ETag", current);
                }
                throw failed;
            }
        }
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

    private Uni<Result> commit(Mutiny.Session session, FsPath path, Plan plan, List<Placed> chunks, String sha,
            String caller, Conditions conditions) {
        Uni<Entry> target = plan.entryId() == null
                ? namespace.childForUpdate(plan.parentId(), path.name()).flatMap(existing -> {
                    if (existing != null) {
                        throw conflict(path, existing);
                    }
                    Entry created = namespace.newEntry(plan.parentId(), path.name(), Entry.FILE, caller);
                    return created.<Entry>persistAndFlush();
                })
                : Entry.<Entry>findById(plan.entryId(), jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                        .map(existing -> {
                            if (existing == null) {
                                throw new PreconditionFailed(path + " was deleted while the upload ran.");
                            }
                            if (!java.util.Objects.equals(existing.currentVersion, plan.baseVersion())) {
                                throw conflict(path, existing);
                            }
                            return existing;
                        });
        return target.flatMap(entry -> {
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
            return insertChunks(session, chunks, plan.replicationFactor())
                    .flatMap(v -> row.persistAndFlush())
                    .flatMap(v -> insertReferences(session, entry.entryId, version, manifest))
                    .flatMap(v -> requestRemainingReplicas(session, chunks))
                    .flatMap(v -> outbox.record(Topics.FILES, pathKey(path), EventTypes.FILE_UPLOADED,
                            path.toString(), AuditData.success(caller, EventTypes.FILE_UPLOADED, path.toString(),
                                    details(path, version, manifest.size(), sha, chunks.size(), sent))))
                    .map(event -> new Result(path.toString(), version, manifest.size(), sha, chunks.size(), sent,
                            version == 1, etag(entry.entryId, version)));
        });
    }

    private static PreconditionFailed conflict(FsPath path, Entry current) {
        PreconditionFailed failed = new PreconditionFailed(
                "Another version of " + path + " was committed while this upload ran; nothing was stored.");
        if (current.currentVersion != null) {
            String etag = etag(current.entryId, current.currentVersion);
            failed.with("currentEtag", etag).withHeader("ETag", etag);
        }
        return failed;
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
