package io.p2pfs.metadata.uploads;

import io.p2pfs.client.api.Uploads;
import io.p2pfs.common.chunks.ChunkEvents;
import io.p2pfs.common.events.AuditData;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.outbox.Outbox;
import io.p2pfs.common.paths.FsPath;
import io.p2pfs.common.problem.Conflict;
import io.p2pfs.common.problem.ProblemException;
import io.p2pfs.common.problem.PreconditionFailed;
import io.p2pfs.metadata.acl.AclService;
import io.p2pfs.metadata.conflicts.ConflictNames;
import io.p2pfs.metadata.conflicts.ConflictResolution;
import io.p2pfs.metadata.core.Caller;
import io.p2pfs.metadata.core.ETags;
import io.p2pfs.metadata.core.PathKeys;
import io.p2pfs.metadata.crypto.KeyRing;
import io.p2pfs.metadata.namespace.Entry;
import io.p2pfs.metadata.namespace.FileVersion;
import io.p2pfs.metadata.namespace.Manifest;
import io.p2pfs.metadata.namespace.Namespace;
import io.p2pfs.metadata.namespace.WriteGuard;
import io.p2pfs.metadata.nodes.NodeKeys;
import io.p2pfs.metadata.policies.EffectivePolicy;
import io.p2pfs.metadata.policies.PolicyService;
import io.p2pfs.metadata.policies.VersionRetention;
import io.p2pfs.metadata.quotas.UsageLedger;
import io.p2pfs.metadata.replicas.ReplicaDirectory;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The commit of an upload as one unit of work that owns its transaction: the session row is
 * locked and checked again, the file's row is locked (or created), WRITE, locks and the nodes'
 * liveness are checked again after that lock (so nothing it decides on can change before it
 * commits), the directory's conflict strategy decides where the version goes, and the version,
 * its sealed manifest, its chunk references, the new chunks with their receipted replicas, the
 * placement requests for the remaining replicas, retention, the owner's usage (admitted against
 * the storage limit under that row's lock) and the events all commit together.
 */
@ApplicationScoped
public class VersionCommit {

    private final UploadSessions sessions;
    private final Namespace namespace;
    private final AclService acls;
    private final WriteGuard guard;
    private final PolicyService policies;
    private final VersionRetention retention;
    private final ReplicaDirectory replicas;
    private final NodeKeys nodeKeys;
    private final KeyRing keys;
    private final Outbox outbox;
    private final UsageLedger usage;

    public VersionCommit(UploadSessions sessions, Namespace namespace, AclService acls, WriteGuard guard,
            PolicyService policies, VersionRetention retention, ReplicaDirectory replicas, NodeKeys nodeKeys,
            KeyRing keys, Outbox outbox, UsageLedger usage) {
        this.usage = usage;
        this.sessions = sessions;
        this.namespace = namespace;
        this.acls = acls;
        this.guard = guard;
        this.policies = policies;
        this.retention = retention;
        this.replicas = replicas;
        this.nodeKeys = nodeKeys;
        this.keys = keys;
        this.outbox = outbox;
    }

    /** What a commit writes, prepared (receipts verified, keys derived, tokens signed) before its transaction. */
    public record Prepared(UUID uploadId, FsPath path, Caller caller, Set<String> lockTokens, Manifest manifest,
            String sha256, List<ReplicaDirectory.Written> written, List<ChunkEvents.PlacementRequested> placements) {
    }

    /**
     * Where a commit lands: the file itself or, for KEEP_BOTH, a new file beside it;
     * {@code requested} is the entry at the path the upload asked for (the same unless KEEP_BOTH).
     */
    private record Target(Entry entry, FsPath path, ConflictResolution resolution, Integer otherVersion,
            Entry requested) {
    }

    /** A 412 from the FAIL strategy, published as {@code file.conflict} after the rollback. */
    static final class CommitConflict extends PreconditionFailed {
        final transient Map<String, Object> details;

        CommitConflict(String detail, Map<String, Object> details) {
            super(detail);
            this.details = details;
        }
    }

    @WithTransaction
    public Uni<Uploads.Result> commit(Prepared prepared) {
        return sessions.open(prepared.uploadId(), prepared.caller(), true).flatMap(session -> commit(session, prepared));
    }

    /**
     * The commit of a file kept inline, which has no session row: {@code session} holds what a
     * session would (base version, create-only, the entry it was based on) and is not stored.
     */
    @WithTransaction
    public Uni<Uploads.Result> commitInline(UploadSession session, Prepared prepared) {
        return commit(session, prepared);
    }

    private Uni<Uploads.Result> commit(UploadSession session, Prepared prepared) {
        FsPath path = prepared.path();
        // The parent's chain, resolved once for every check: resolving the path itself would load
        // the file's row before it is locked.
        return Panache.getSession()
                .flatMap(db -> requireHoldersLive(prepared)
                        .flatMap(v -> namespace.chain(path.parent()))
                        .flatMap(parents -> {
                            Entry parent = Namespace.directoryAt(path.parent(), parents);
                            return policies.effectiveFor(parents).flatMap(policy -> target(session, parent.entryId,
                                    path, policy, prepared.caller().id())
                                    // Checked after the file's row is locked: the session must not hold it unlocked first.
                                    .call(target -> requireWrite(target, parents, prepared.caller()))
                                    .call(target -> guard.requireWritable(path, parents.with(target.requested()),
                                            prepared.caller().id(), prepared.lockTokens(), "write"))
                                    .flatMap(target -> write(db, session, target, policy, prepared)));
                        }));
    }


    /**
     * WRITE, again inside the commit's transaction: on the file when it has a version already, on
     * the directory that holds it when the commit creates it. The entry this commit has just
     * inserted is the caller's, and an owner holds everything, so it must not vouch for itself:
     * a writer whose grant on the directory was revoked while the upload ran commits nothing.
     */
    private Uni<Void> requireWrite(Target target, Namespace.Chain parents, Caller caller) {
        if (target.entry().currentVersion == null) {
            return acls.requireCreate(target.path(), parents, caller, false, "upload").replaceWithVoid();
        }
        return acls.requireWrite(target.path(), parents.with(target.entry()), caller, "upload").replaceWithVoid();
    }

    /** Each new chunk must still be readable when the commit lands: one of its receipted nodes must be up. */
    private Uni<Void> requireHoldersLive(Prepared prepared) {
        if (prepared.written().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Set<UUID> holders = prepared.written().stream().flatMap(w -> w.nodes().stream()).collect(Collectors.toSet());
        return nodeKeys.load(holders).map(known -> {
            for (ReplicaDirectory.Written chunk : prepared.written()) {
                boolean readable = chunk.nodes().stream().map(known::get)
                        .anyMatch(node -> node != null && node.up());
                if (!readable) {
                    throw new Conflict("Chunk " + chunk.chunkId() + ": every node that stored it is down now; write "
                            + "it again. Nothing was committed.").with("chunkId", chunk.chunkId())
                            .with("reason", "holders-down");
                }
            }
            return null;
        });
    }

    /**
     * Locks the file's row (creating the entry if the upload expected none, or meeting the one
     * a concurrent creator made) and decides by the base and current versions where the commit
     * goes. Commits of one file serialise on that row, which makes version numbers gap-free.
     */
    private Uni<Target> target(UploadSession session, long parentId, FsPath path,
            EffectivePolicy policy, String caller) {
        Uni<Entry> current = session.entryId == null
                ? namespace.insertIfAbsent(parentId, path.name(), Entry.FILE, caller)
                        .flatMap(v -> namespace.childForUpdate(parentId, path.name()))
                : Entry.<Entry>findById(session.entryId, LockModeType.PESSIMISTIC_WRITE).map(existing -> {
                    if (existing == null) {
                        throw new PreconditionFailed(path + " was deleted while the upload ran.");
                    }
                    return existing;
                });
        return current.flatMap(entry -> {
            if (entry.isDir()) {
                throw new Conflict(path + " is a directory.");
            }
            ConflictResolution resolution = ConflictResolution.decide(policy.conflictStrategy(), session.baseVersion,
                    entry.currentVersion, session.createOnly);
            return switch (resolution) {
                case COMMIT, COMMIT_NEXT -> Uni.createFrom().item(new Target(entry, path, resolution,
                        entry.currentVersion, entry));
                case FAIL -> throw failed(path, entry, policy, session);
                case KEEP_BOTH -> keepBoth(parentId, path, caller, Namespace.now(), 1)
                        .map(beside -> new Target(beside.entry(), beside.path(), resolution, entry.currentVersion,
                                entry));
            };
        });
    }

    /** A new file beside {@code path} under the first free conflict name. */
    private Uni<Target> keepBoth(long parentId, FsPath path, String caller, Instant at, int attempt) {
        if (attempt > 10_000) {
            throw new Conflict("No free conflict name beside " + path + ".");
        }
        String name = ConflictNames.name(path.name(), caller, at, attempt);
        return namespace.insertIfAbsent(parentId, name, Entry.FILE, caller).flatMap(id -> id != null
                ? namespace.childForUpdate(parentId, name).map(entry -> new Target(entry, path.parent().child(name),
                        ConflictResolution.KEEP_BOTH, null, null))
                : keepBoth(parentId, path, caller, at, attempt + 1));
    }

    /** The 412 of a commit that must not go ahead; only the FAIL strategy's is a published conflict. */
    private static PreconditionFailed failed(FsPath path, Entry current, EffectivePolicy policy, UploadSession session) {
        PreconditionFailed failed;
        if (session.createOnly) {
            failed = new PreconditionFailed(path + " was created while this upload ran and If-None-Match: * asked "
                    + "to create only; nothing was stored.");
        } else {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("path", path.toString());
            details.put("strategy", policy.conflictStrategy().name());
            details.put("baseVersion", session.baseVersion);
            details.put("otherVersion", current.currentVersion);
            failed = new CommitConflict("Another version of " + path + " was committed while this upload ran; "
                    + "nothing was stored.", details);
        }
        if (current.currentVersion != null) {
            String etag = ETags.of(current.entryId, current.currentVersion);
            failed.with("currentEtag", etag).withHeader("ETag", etag);
        }
        failed.with("baseVersion", session.baseVersion);
        return failed;
    }

    private Uni<Uploads.Result> write(Mutiny.Session db, UploadSession session, Target target, EffectivePolicy policy,
            Prepared prepared) {
        Entry entry = target.entry();
        FsPath path = target.path();
        FsPath requested = prepared.path();
        String caller = prepared.caller().id();
        Manifest manifest = prepared.manifest();
        int version = entry.currentVersion == null ? 1 : entry.currentVersion + 1;
        FileVersion row = new FileVersion();
        row.entryId = entry.entryId;
        row.version = version;
        row.size = manifest.size();
        row.contentSha256 = HexFormat.of().parseHex(prepared.sha256());
        row.manifestSealed = manifest.seal(keys, entry.entryId, version);
        row.keyId = keys.keyId();
        row.chunkCount = manifest.chunks().size();
        row.createdBy = caller;
        row.createdAt = Namespace.now();
        entry.currentVersion = version;
        entry.updatedAt = row.createdAt;
        int sent = prepared.written().size();
        Uploads.ConflictOutcome conflict = target.resolution().isConflict()
                ? new Uploads.ConflictOutcome(policy.conflictStrategy().name(), requested.toString(),
                        target.otherVersion())
                : null;
        session.state = UploadSession.COMMITTED;
        session.committedVersion = version;
        session.endedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Set<String> fresh = prepared.written().stream().map(ReplicaDirectory.Written::chunkId)
                .collect(Collectors.toSet());
        return replicas.holdForCommit(db, manifest.chunks().stream().map(Manifest.ChunkRef::chunkId).distinct()
                .toList(), fresh)
                .invoke(refused -> {
                    if (!refused.isEmpty()) {
                        // Collected (or being collected) as garbage since the upload began: the
                        // bytes must be sent again, which a new upload does.
                        throw (ProblemException) new Conflict(refused.size() + " chunk(s) of this upload were "
                                + "collected as garbage while it ran. Nothing was committed; upload again.")
                                .with("reason", "chunks-collected").with("chunkIds", refused);
                    }
                })
                .flatMap(ok -> replicas.recordWritten(db, caller, prepared.written(), session.replicationFactor))
                .flatMap(v -> row.persistAndFlush())
                .flatMap(v -> insertReferences(db, entry.entryId, version, manifest))
                .flatMap(v -> replicas.requestPlacements(db, prepared.placements()))
                .flatMap(v -> retention.prune(entry.entryId, version, policy))
                .call(pruned -> {
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("path", path.toString());
                    details.put("version", version);
                    details.put("size", manifest.size());
                    details.put("chunks", manifest.chunks().size());
                    details.put("chunksSent", sent);
                    details.put("uploadId", session.uploadId.toString());
                    if (manifest.isInline()) {
                        details.put("inline", true);
                    }
                    if (!pruned.versions().isEmpty()) {
                        details.put("prunedVersions", pruned.versions());
                    }
                    return outbox.record(Topics.FILES, PathKeys.of(path), EventTypes.FILE_UPLOADED, path.toString(),
                            AuditData.success(caller, EventTypes.FILE_UPLOADED, path.toString(), details)
                                    .by(prepared.caller().subject()));
                })
                .call(pruned -> conflict == null ? Uni.createFrom().voidItem()
                        : outbox.record(Topics.FILES, PathKeys.of(requested), EventTypes.FILE_CONFLICT,
                                requested.toString(), AuditData.success(caller, EventTypes.FILE_CONFLICT,
                                        requested.toString(), conflictDetails(requested, path, policy, session,
                                                target, version)).by(prepared.caller().subject())))
                // Last, with everything else written, so the owner's usage row is held only
                // from its one statement to the commit.
                .call(pruned -> db.flush())
                .call(pruned -> usage.admit(new UsageLedger.Charge(entry.ownerId, manifest.size(), pruned.bytes(),
                        caller, path.toString())))
                .map(v -> new Uploads.Result(path.toString(), version, manifest.size(), prepared.sha256(),
                        manifest.chunks().size(), sent, version == 1, ETags.of(entry.entryId, version),
                        session.baseVersion, conflict));
    }

    /**
     * After a FAIL-strategy conflict rolled the commit back: {@code file.conflict} is recorded
     * and the session ends, in a transaction of their own.
     */
    @WithTransaction
    public Uni<Void> recordConflict(UUID uploadId, FsPath path, Caller caller, CommitConflict conflict) {
        return UploadSession.<UploadSession>findById(uploadId, LockModeType.PESSIMISTIC_WRITE).flatMap(session -> {
            if (session != null && UploadSession.OPEN.equals(session.state)) {
                session.state = UploadSession.ABORTED;
                session.endedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            }
            return outbox.record(Topics.FILES, PathKeys.of(path), EventTypes.FILE_CONFLICT, path.toString(),
                    new AuditData(caller.id(), EventTypes.FILE_CONFLICT, path.toString(), AuditData.Outcome.FAILED,
                            conflict.detail(), null, null, conflict.details).by(caller.subject())).replaceWithVoid();
        });
    }

    private static Map<String, Object> conflictDetails(FsPath requested, FsPath committed, EffectivePolicy policy,
            UploadSession session, Target target, int version) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("path", requested.toString());
        details.put("strategy", policy.conflictStrategy().name());
        details.put("baseVersion", session.baseVersion);
        details.put("otherVersion", target.otherVersion());
        details.put("committedPath", committed.toString());
        details.put("committedVersion", version);
        return details;
    }

    private static Uni<Void> insertReferences(Mutiny.Session db, long entryId, int version, Manifest manifest) {
        if (manifest.chunks().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String ids = manifest.chunks().stream().map(Manifest.ChunkRef::chunkId).collect(Collectors.joining(","));
        return db.createNativeQuery("INSERT INTO version_chunks (entry_id, version, seq, chunk_id) "
                + "SELECT :entry, :version, CAST(t.seq AS int) - 1, t.id "
                + "FROM unnest(string_to_array(:ids, ',')) WITH ORDINALITY AS t(id, seq)")
                .setParameter("entry", entryId).setParameter("version", version).setParameter("ids", ids)
                .executeUpdate().replaceWithVoid();
    }
}
