package io.p2pfs.metadata.files;

import io.p2pfs.common.events.AuditData;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.outbox.Outbox;
import io.p2pfs.common.paths.FsPath;
import io.p2pfs.common.problem.BadRequest;
import io.p2pfs.metadata.acl.AclService;
import io.p2pfs.metadata.acl.Permission;
import io.p2pfs.metadata.core.Caller;
import io.p2pfs.metadata.core.PathKeys;
import io.p2pfs.metadata.namespace.Entry;
import io.p2pfs.metadata.namespace.Namespace;
import io.p2pfs.metadata.namespace.WriteGuard;
import io.p2pfs.metadata.quotas.UsageLedger;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deletes an entry with everything below it, all or nothing, in one transaction: the entry's row
 * and every row below are locked first (nothing can be created or moved in meanwhile), then
 * DELETE must hold on each of them and no one else's lock may bind any; the versions' bytes are
 * released from their owners' usage and one {@code file.deleted} event per deleted entry
 * (directories included) commits with the delete.
 */
@ApplicationScoped
public class RecursiveDelete {

    private final Namespace namespace;
    private final AclService acls;
    private final WriteGuard locks;
    private final Outbox outbox;
    private final FilesConfig config;
    private final UsageLedger usage;

    public RecursiveDelete(Namespace namespace, AclService acls, WriteGuard locks, Outbox outbox, FilesConfig config,
            UsageLedger usage) {
        this.usage = usage;
        this.namespace = namespace;
        this.acls = acls;
        this.locks = locks;
        this.outbox = outbox;
        this.config = config;
    }

    @WithTransaction
    public Uni<Void> delete(FsPath path, Caller caller) {
        if (path.isRoot()) {
            throw new BadRequest("/ can never be deleted.");
        }
        Set<String> tokens = locks.presentedTokens();
        // Locked as it is first read: the session must not hold the entry unlocked beforehand.
        return namespace.findForUpdate(path)
                .flatMap(locked -> acls.requireChain(path, caller, Permission.DELETE, "delete"))
                .flatMap(chain -> {
                    Entry entry = chain.get(chain.size() - 1);
                    Uni<List<Entry>> below = entry.isDir()
                            ? namespace.lockSubtree(entry.entryId, config.recursiveDeleteLimit())
                            : Uni.createFrom().item(List.of());
                    return below
                            .call(entries -> acls.requireBelow(path, chain, entries, caller, Permission.DELETE,
                                    "delete"))
                            .call(entries -> locks.requireTreeWritable(path, caller.id(), tokens, "delete"))
                            .flatMap(entries -> remove(entry, path, entries, caller));
                });
    }

    private Uni<Void> remove(Entry entry, FsPath path, List<Entry> below, Caller caller) {
        // Paths of what is below, from the names: each directory comes before what it holds.
        Map<Long, FsPath> paths = new HashMap<>();
        paths.put(entry.entryId, path);
        List<Outbox.Draft> events = new ArrayList<>(below.size() + 1);
        for (Entry child : below) {
            FsPath childPath = paths.get(child.parentId).child(namespace.nameOf(child));
            paths.put(child.entryId, childPath);
            events.add(deleted(childPath, child.kind, caller, Map.of()));
        }
        // Deepest first, and the entry asked for last.
        Collections.reverse(events);
        events.add(deleted(path, entry.kind, caller, Map.of("recursive", true, "entriesBelow", below.size())));
        List<Long> ids = new ArrayList<>(below.size() + 1);
        ids.add(entry.entryId);
        below.forEach(child -> ids.add(child.entryId));
        return usage.releaseEntries(ids).flatMap(v -> Panache.getSession().flatMap(session -> session
                .createNativeQuery("DELETE FROM entries WHERE entry_id = :id").setParameter("id", entry.entryId)
                .executeUpdate()))
                .flatMap(deleted -> outbox.recordAll(events));
    }

    private static Outbox.Draft deleted(FsPath path, String kind, Caller caller, Map<String, Object> extra) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("path", path.toString());
        details.put("type", kind);
        details.putAll(extra);
        return new Outbox.Draft(Topics.FILES, PathKeys.of(path), EventTypes.FILE_DELETED, path.toString(),
                AuditData.success(caller.id(), EventTypes.FILE_DELETED, path.toString(), details).by(caller.subject()));
    }
}
