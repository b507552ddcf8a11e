package io.p2pfs.metadata.files;

import io.p2pfs.client.api.NamespaceApi;
import io.p2pfs.common.events.AuditData;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.outbox.Outbox;
import io.p2pfs.common.paths.FsPath;
import io.p2pfs.common.problem.BadRequest;
import io.p2pfs.common.problem.Conflict;
import io.p2pfs.metadata.acl.AclService;
import io.p2pfs.metadata.acl.Permission;
import io.p2pfs.metadata.core.Caller;
import io.p2pfs.metadata.core.PathKeys;
import io.p2pfs.metadata.namespace.Entry;
import io.p2pfs.metadata.namespace.Namespace;
import io.p2pfs.metadata.namespace.WriteGuard;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Moves (and renames) a file or a directory with everything below it in one transaction. Only
 * the moved entry's row changes: what lies below keeps its rows, so versions, ACLs, policies
 * and locks go along. The source's row is locked first, so of two moves of one source the
 * second finds it gone (404). Directory moves then take turns, and the target's chain is read
 * only after that: a directory is never moved below itself, even by two moves that cross. A move
 * PostgreSQL cancels to break a deadlock is a 409 the caller may retry, and changes nothing.
 */
@ApplicationScoped
public class MoveService {

    private final Namespace namespace;
    private final AclService acls;
    private final WriteGuard locks;
    private final Outbox outbox;

    public MoveService(Namespace namespace, AclService acls, WriteGuard locks, Outbox outbox) {
        this.namespace = namespace;
        this.acls = acls;
        this.locks = locks;
        this.outbox = outbox;
    }

    /** One path of a move body, checked: 400 when it is missing, relative or malformed. */
    public static FsPath path(NamespaceApi.Move move, boolean from) {
        String member = from ? "from" : "to";
        String raw = move == null ? null : from ? move.from() : move.to();
        if (raw == null || raw.isBlank()) {
            throw new BadRequest("The body needs 'from' and 'to', both absolute paths; '" + member + "' is missing.");
        }
        if (!raw.startsWith("/")) {
            throw new BadRequest("'" + member + "' must be an absolute path (starting with /).");
        }
        return FsPath.parse(raw);
    }

    /**
     * DELETE on the source and WRITE on the target's directory; 423 if someone else's lock holds
     * the source, anything below it or the target's directory.
     */
    @WithTransaction
    public Uni<NamespaceApi.Moved> move(FsPath from, FsPath to, Caller caller) {
        if (from.isRoot()) {
            throw new BadRequest("/ cannot be moved.");
        }
        if (from.contains(to)) {
            throw new BadRequest("Cannot move " + from + " to " + to + ": that is the entry itself or below it.");
        }
        if (to.isRoot()) {
            throw new Conflict("/ already exists.");
        }
        Set<String> tokens = locks.presentedTokens();
        // Locked as it is first read: the session must not hold the source unlocked beforehand.
        return namespace.findForUpdate(from)
                .flatMap(locked -> locked != null && locked.isDir()
                        ? namespace.serializeDirectoryMoves()
                        : Uni.createFrom().voidItem())
                .flatMap(v -> acls.requireChain(from, caller, Permission.DELETE, "move"))
                .flatMap(source -> acls.requireCreate(to, caller, source.get(source.size() - 1).isDir(), "move")
                        .flatMap(target -> {
                            Entry parent = target.get(target.size() - 1);
                            if (!parent.isDir()) {
                                throw new Conflict(to.parent() + " is a file, not a directory.");
                            }
                            Entry moved = source.get(source.size() - 1);
                            if (target.stream().anyMatch(above -> above.entryId.equals(moved.entryId))) {
                                throw new Conflict(to + " is now below " + from + " (moved meanwhile).");
                            }
                            return locks.requireTreeWritable(from, caller.id(), tokens, "move")
                                    .flatMap(v -> locks.requireWritable(to.parent(), caller.id(), tokens, "move"))
                                    .flatMap(v -> namespace.child(parent.entryId, to.name()))
                                    .flatMap(existing -> {
                                        if (existing != null) {
                                            throw new Conflict(to + " already exists.");
                                        }
                                        return apply(source, target, from, to, caller);
                                    });
                        }))
                .onFailure(Namespace::concurrentChange).transform(e -> new Conflict(
                        "Another change to these entries ran at the same moment; nothing was moved. Retry the move."));
    }

    private Uni<NamespaceApi.Moved> apply(List<Entry> source, List<Entry> targetParent, FsPath from, FsPath to,
            Caller caller) {
        Entry entry = source.get(source.size() - 1);
        List<Long> before = source.stream().map(e -> e.entryId).toList();
        List<Long> after = new ArrayList<>(targetParent.size() + 1);
        targetParent.forEach(e -> after.add(e.entryId));
        after.add(entry.entryId);
        String type = entry.isDir() ? EventTypes.DIR_MOVED : EventTypes.FILE_MOVED;
        String kind = entry.isDir() ? Entry.DIR : Entry.FILE;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("from", from.toString());
        details.put("to", to.toString());
        details.put("type", kind);
        return namespace.move(entry, after.get(after.size() - 2), to.name(), to)
                .flatMap(v -> locks.relocate(before, after))
                .flatMap(v -> outbox.record(Topics.FILES, PathKeys.of(from), type, from.toString(),
                        AuditData.success(caller.id(), type, from.toString(), details).by(caller.subject())))
                .replaceWith(new NamespaceApi.Moved(from.toString(), to.toString(), kind));
    }
}
