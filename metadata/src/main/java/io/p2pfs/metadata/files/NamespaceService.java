package io.p2pfs.metadata.files;

import io.p2pfs.metadata.core.Caller;
import io.p2pfs.metadata.core.PathKeys;
import io.p2pfs.metadata.core.ETags;
import io.p2pfs.client.api.NamespaceApi;
import io.p2pfs.common.events.AuditData;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.outbox.Outbox;
import io.p2pfs.common.paths.FsPath;
import io.p2pfs.common.problem.BadRequest;
import io.p2pfs.common.problem.Conflict;
import io.p2pfs.common.problem.NotFound;
import io.p2pfs.common.reactive.Sequence;
import io.p2pfs.metadata.acl.AclService;
import io.p2pfs.metadata.acl.Permission;
import io.p2pfs.metadata.crypto.KeyRing;
import io.p2pfs.metadata.replicas.PlacementConfig;
import io.p2pfs.metadata.namespace.Entry;
import io.p2pfs.metadata.namespace.FileVersion;
import io.p2pfs.metadata.namespace.Manifest;
import io.p2pfs.metadata.namespace.Namespace;
import io.p2pfs.metadata.namespace.WriteGuard;
import io.p2pfs.metadata.policies.VersionRetention;
import io.p2pfs.metadata.quotas.UsageLedger;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Stat, list, mkdir, delete, versions and restore: the namespace operations that move no data. */
@ApplicationScoped
public class NamespaceService {

    private final Namespace namespace;
    private final Outbox outbox;
    private final PlacementConfig placement;
    private final KeyRing keys;
    private final AclService acls;
    private final WriteGuard locks;
    private final VersionRetention retention;
    private final UsageLedger usage;
    private final DirectoryPages pages;

    public NamespaceService(Namespace namespace, Outbox outbox, PlacementConfig placement, KeyRing keys,
            AclService acls, WriteGuard locks, VersionRetention retention, UsageLedger usage, DirectoryPages pages) {
        this.pages = pages;
        this.usage = usage;
        this.locks = locks;
        this.retention = retention;
        this.keys = keys;
        this.acls = acls;
        this.namespace = namespace;
        this.outbox = outbox;
        this.placement = placement;
    }

    /**
     * A path's entry; with {@code replicas}, also the replica health of a file's current version
     * (one more query). The whole content's SHA-256 is shown only to callers who may download it.
     */
    @WithSession
    public Uni<NamespaceApi.Stat> stat(FsPath path, Caller caller, boolean replicas) {
        return acls.requireHeld(path, caller, Permission.READ, "stat").flatMap(checked -> {
            List<Entry> chain = checked.chain();
            Entry entry = chain.get(chain.size() - 1);
            if (entry.isDir()) {
                return Uni.createFrom().item(new NamespaceApi.Stat(path.toString(), "DIR", null, null, entry.ownerId,
                        entry.createdAt, entry.updatedAt, null, null, null, null));
            }
            return FileVersion.<FileVersion>findById(new FileVersion.Key(entry.entryId, entry.currentVersion))
                    .flatMap(version -> (replicas ? health(entry.entryId, entry.currentVersion)
                            : Uni.createFrom().<NamespaceApi.ReplicaHealth>nullItem()).map(health ->
                            new NamespaceApi.Stat(path.toString(), "FILE", version.size, version.version,
                                    entry.ownerId, entry.createdAt, entry.updatedAt, version.chunkCount,
                                    checked.held().contains(Permission.DOWNLOAD)
                                            ? HexFormat.of().formatHex(version.contentSha256) : null,
                                    ETags.of(entry.entryId, version.version), health)));
        });
    }

    /** Replica health of a version: per distinct chunk, confirmed replicas on live nodes vs R. */
    private Uni<NamespaceApi.ReplicaHealth> health(long entryId, int version) {
        int r = placement.replicationFactor();
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                "SELECT vc.chunk_id, count(n.node_id) FROM (SELECT DISTINCT chunk_id FROM version_chunks "
                        + "WHERE entry_id = :e AND version = :v) vc LEFT JOIN replicas rp ON rp.chunk_id = vc.chunk_id "
                        + "AND rp.state = 'CONFIRMED' LEFT JOIN nodes n ON n.node_id = rp.node_id AND n.state = 'UP' "
                        + "GROUP BY vc.chunk_id", Object[].class)
                .setParameter("e", entryId).setParameter("v", version).getResultList())
                .map(rows -> {
                    int full = 0;
                    int under = 0;
                    int none = 0;
                    for (Object[] row : rows) {
                        long live = ((Number) row[1]).longValue();
                        if (live >= r) {
                            full++;
                        } else if (live > 0) {
                            under++;
                        } else {
                            none++;
                        }
                    }
                    return new NamespaceApi.ReplicaHealth(rows.size(), full, under, none, r);
                });
    }

    @WithSession
    public Uni<NamespaceApi.Listing> list(FsPath path, String cursor, int limit, Caller caller) {
        if (limit < 1 || limit > 1000) {
            throw new BadRequest("limit must be between 1 and 1000.");
        }
        long after;
        try {
            after = cursor == null || cursor.isBlank() ? 0 : Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw new BadRequest("cursor is not one this service issued.");
        }
        return acls.requireChain(path, caller, Permission.READ, "list").flatMap(chain -> {
            Entry dir = chain.get(chain.size() - 1);
            if (!dir.isDir()) {
                throw new Conflict(path + " is a file, not a directory.");
            }
            return pages.page(dir.entryId, after, limit + 1).flatMap(found -> {
                List<Entry> children = found.children();
                boolean more = children.size() > limit;
                List<Entry> page = more ? children.subList(0, limit) : children;
                String next = more ? Long.toString(page.get(page.size() - 1).entryId) : null;
                // Only what the caller may READ is shown; the cursor still moves past the rest.
                return acls.readable(chain, page, found.acls(), caller).map(visible -> new NamespaceApi.Listing(
                        path.toString(), visible.stream().map(child -> new NamespaceApi.ListEntry(
                                namespace.nameOf(child), child.kind, child.currentVersion, child.ownerId,
                                child.updatedAt, child.isDir() ? null : found.sizes().get(child.entryId)))
                                .toList(), next));
            });
        });
    }

    @WithTransaction
    public Uni<NamespaceApi.Created> mkdir(FsPath path, boolean parents, Caller caller) {
        java.util.Set<String> tokens = locks.presentedTokens();
        return acls.requireMkdir(path, caller)
                .flatMap(v -> locks.requireWritable(path, caller.id(), tokens, "mkdir"))
                .flatMap(v -> namespace.mkdirs(path, parents, caller.id())).flatMap(created -> {
            return Sequence.forEach(created, dir -> outbox.record(Topics.FILES, PathKeys.of(dir),
                    EventTypes.DIR_CREATED, dir.toString(), AuditData.success(caller.id(), EventTypes.DIR_CREATED,
                            dir.toString(), Map.of("path", dir.toString())).by(caller.subject()))).replaceWith(new NamespaceApi.Created(path.toString(),
                    created.stream().map(FsPath::toString).toList()));
        });
    }

    /**
     * Deletes a file (all its versions, released from its owner's usage) or an empty directory
     * ({@link RecursiveDelete} takes a whole subtree).
     */
    @WithTransaction
    public Uni<Void> delete(FsPath path, Caller caller) {
        if (path.isRoot()) {
            throw new BadRequest("/ can never be deleted.");
        }
        java.util.Set<String> tokens = locks.presentedTokens();
        return acls.require(path, caller, Permission.DELETE, "delete").flatMap(entry -> {
            Uni<Long> children = entry.isDir() ? Entry.count("parentId", entry.entryId) : Uni.createFrom().item(0L);
            // The release locks the entry's row before its versions are summed and its children counted, so
            // no commit can add a version or a child that the delete would take along uncounted.
            return locks.requireWritable(path, caller.id(), tokens, "delete")
                    .flatMap(v -> usage.releaseEntries(List.of(entry.entryId))).replaceWith(children)
                    .flatMap(count -> {
                if (count > 0) {
                    throw new Conflict(path + " is not empty; delete it with ?recursive=true to delete everything "
                            + "below it as well.");
                }
                return entry.delete();
            }).flatMap(v -> outbox.record(Topics.FILES, PathKeys.of(path), EventTypes.FILE_DELETED,
                    path.toString(), AuditData.success(caller.id(), EventTypes.FILE_DELETED, path.toString(),
                            Map.of("path", path.toString(), "type", entry.kind)).by(caller.subject()))).replaceWithVoid();
        });
    }

    @WithSession
    public Uni<List<NamespaceApi.VersionInfo>> versions(FsPath path, Caller caller) {
        return acls.requireChain(path, caller, Permission.READ, "versions").flatMap(chain -> {
            Entry entry = chain.get(chain.size() - 1);
            if (entry.isDir()) {
                throw new Conflict(path + " is a directory.");
            }
            return acls.held(chain, caller).flatMap(held -> FileVersion.<FileVersion>list(
                    "entryId = ?1 order by version desc", entry.entryId).map(all -> all.stream()
                            .map(v -> new NamespaceApi.VersionInfo(v.version, v.size,
                                    held.contains(Permission.DOWNLOAD) ? HexFormat.of().formatHex(v.contentSha256)
                                            : null,
                                    v.createdBy, v.createdAt, v.chunkCount, v.version.equals(entry.currentVersion)))
                            .toList()));
        });
    }

    /**
     * Makes version {@code n}'s content the newest version: a new version row with the same
     * manifest and chunk references (re-sealed for its own version number); no data is copied,
     * but the new version is charged to the file's owner like any other (and may be refused, 507).
     */
    @WithTransaction
    public Uni<NamespaceApi.VersionInfo> restore(FsPath path, int n, Caller caller) {
        if (path.isRoot()) {
            throw new Conflict("/ is a directory.");
        }
        java.util.Set<String> tokens = locks.presentedTokens();
        // Locked as it is first read: the session must not hold the entry unlocked beforehand. The directory's
        // READ is checked first, so that whether the file exists is said only to those who may see it.
        return acls.requireChain(path.parent(), caller, Permission.READ, "restore").map(dirs -> {
                    Entry parent = dirs.get(dirs.size() - 1);
                    if (!parent.isDir()) {
                        throw new Conflict(path.parent() + " is a file, not a directory.");
                    }
                    return parent;
                })
                .flatMap(parent -> namespace.childForUpdate(parent.entryId,
                path.name())).flatMap(entry -> {
                    if (entry == null) {
                        throw new NotFound("Nothing at " + path + ".");
                    }
                    if (entry.isDir()) {
                        throw new Conflict(path + " is a directory.");
                    }
                    // Checked after the locking read: the entry must not be in the session unlocked first.
                    return acls.requireChain(path, caller, Permission.WRITE, "restore")
                            .flatMap(chain -> acls.held(chain, caller))
                            .call(held -> locks.requireWritable(path, caller.id(), tokens, "restore"))
                            .flatMap(held -> FileVersion.<FileVersion>findById(new FileVersion.Key(entry.entryId, n))
                                    .flatMap(old -> {
                        boolean mayDownload = held.contains(Permission.DOWNLOAD);
                        if (old == null) {
                            throw new NotFound(path + " has no version " + n + ".");
                        }
                        int next = entry.currentVersion + 1;
                        Manifest manifest = Manifest.open(keys, old.keyId, old.manifestSealed, entry.entryId, n);
                        FileVersion copy = new FileVersion();
                        copy.entryId = entry.entryId;
                        copy.version = next;
                        copy.size = old.size;
                        copy.contentSha256 = old.contentSha256;
                        copy.manifestSealed = manifest.seal(keys, entry.entryId, next);
                        copy.keyId = keys.keyId();
                        copy.chunkCount = old.chunkCount;
                        copy.createdBy = caller.id();
                        copy.createdAt = Namespace.now();
                        entry.currentVersion = next;
                        entry.updatedAt = copy.createdAt;
                        return copy.persistAndFlush()
                                .flatMap(v -> Panache.getSession().flatMap(session -> session.createNativeQuery(
                                        "INSERT INTO version_chunks (entry_id, version, seq, chunk_id) "
                                                + "SELECT entry_id, :next, seq, chunk_id FROM version_chunks "
                                                + "WHERE entry_id = :e AND version = :n")
                                        .setParameter("next", next).setParameter("e", entry.entryId)
                                        .setParameter("n", n).executeUpdate()))
                                .flatMap(v -> retention.applyAt(path, entry.entryId, next))
                                .flatMap(pruned -> usage.admit(new UsageLedger.Charge(entry.ownerId, copy.size,
                                        pruned.bytes(), caller.id(), path.toString())))
                                .flatMap(v -> outbox.record(Topics.FILES, PathKeys.of(path),
                                        EventTypes.FILE_RESTORED, path.toString(), AuditData.success(caller.id(),
                                                EventTypes.FILE_RESTORED, path.toString(),
                                                Map.of("path", path.toString(), "restoredVersion", n,
                                                        "version", next)).by(caller.subject())))
                                .map(e -> new NamespaceApi.VersionInfo(next, copy.size,
                                        mayDownload ? HexFormat.of().formatHex(copy.contentSha256) : null,
                                        copy.createdBy, copy.createdAt, copy.chunkCount, true));
                    }));
                });
    }
}
