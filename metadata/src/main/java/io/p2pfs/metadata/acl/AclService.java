package io.p2pfs.metadata.acl;

import io.p2pfs.metadata.core.PathKeys;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.common.events.AuditData;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.outbox.DetachedEvents;
import io.p2pfs.common.outbox.Outbox;
import io.p2pfs.common.paths.FsPath;
import io.p2pfs.common.problem.BadRequest;
import io.p2pfs.common.problem.Forbidden;
import io.p2pfs.common.problem.NotFound;
import io.p2pfs.common.problem.ProblemException;
import io.p2pfs.metadata.core.Caller;
import io.p2pfs.metadata.namespace.DirectoryCache;
import io.p2pfs.metadata.namespace.Entry;
import io.p2pfs.metadata.namespace.Namespace;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Access control for every metadata operation. Each check reads the ACLs of the path's chain
 * (directories' through the exact directory cache), so a change (a revoke included) holds from
 * the next request on. A missing path answers 404; a refusal is 403 only on an entry the caller
 * may READ, and the same 404 on one it may not see, so names do not leak.
 */
@ApplicationScoped
public class AclService {

    private static final int MAX_ENTRIES = 256;

    private final Namespace namespace;
    private final ObjectMapper json;
    private final Outbox outbox;
    private final DetachedEvents detached;

    public AclService(Namespace namespace, ObjectMapper json, Outbox outbox, DetachedEvents detached) {
        this.namespace = namespace;
        this.json = json;
        this.outbox = outbox;
        this.detached = detached;
    }

    /** The entry at {@code path} if the caller holds {@code wanted} there; 403 or 404 otherwise. */
    public Uni<Entry> require(FsPath path, Caller caller, Permission wanted, String action) {
        return requireChain(path, caller, wanted, action).map(chain -> chain.get(chain.size() - 1));
    }

    /** Like {@link #require}, answering the entries from the root to {@code path}. */
    public Uni<List<Entry>> requireChain(FsPath path, Caller caller, Permission wanted, String action) {
        return requireHeld(path, caller, wanted, action).map(Checked::chain);
    }

    /** The entries from the root to a path, and the permissions the caller holds on its last one. */
    public record Checked(List<Entry> chain, Set<Permission> held) {
    }

    /** Like {@link #requireChain}, also answering what the caller holds there (from the same reads). */
    public Uni<Checked> requireHeld(FsPath path, Caller caller, Permission wanted, String action) {
        return namespace.chain(path).flatMap(chain -> requireHeld(path, chain, caller, wanted, action));
    }

    /** Like {@link #requireHeld}, on the chain the caller resolved for {@code path}. */
    private Uni<Checked> requireHeld(FsPath path, List<Entry> chain, Caller caller, Permission wanted,
            String action) {
        return nodes(chain).map(nodes -> {
            boolean complete = chain.size() == path.segments().size() + 1;
            if (!complete) {
                check(nodes, path, caller, Permission.READ, action, missing(path));
                throw new NotFound(missing(path));
            }
            check(nodes, path, caller, wanted, action, missing(path));
            return new Checked(chain, caller.admin() ? EnumSet.allOf(Permission.class)
                    : AccessRules.held(nodes, caller.id(), caller.principals()));
        });
    }

    /**
     * The root holds the users' home directories: at the root a caller who is no admin creates
     * only {@code /<its user id>}, a directory (so nobody takes another person's name before they
     * register, and a user's home is theirs). 403 otherwise, audited with the path.
     */
    private static void requireCreatableAtRoot(FsPath created, Caller caller, boolean directory) {
        if (created.segments().size() != 1 || caller.admin()) {
            return;
        }
        if (!directory || !created.segments().get(0).equals(caller.id())) {
            throw new Forbidden("The root holds only the users' home directories: yours is /" + caller.id()
                    + "; create " + created.segments().get(0) + " below it.").with("home", "/" + caller.id())
                    .denying(created.toString(), Permission.WRITE.name());
        }
    }

    /**
     * May the caller create {@code path} (a directory or a file), whatever is there now: WRITE on
     * the directory that will hold it, and at the root only its own home. Answers the entries of
     * the parent's chain.
     */
    public Uni<List<Entry>> requireCreate(FsPath path, Caller caller, boolean directory, String action) {
        return namespace.chain(path.parent()).flatMap(parents -> requireCreate(path, parents, caller, directory,
                action));
    }

    /** Like {@link #requireCreate}, on the chain of {@code path}'s parent the caller resolved. */
    public Uni<List<Entry>> requireCreate(FsPath path, List<Entry> parentChain, Caller caller, boolean directory,
            String action) {
        return requireHeld(path.parent(), parentChain, caller, Permission.WRITE, action).map(Checked::chain)
                .invoke(parent -> requireCreatableAtRoot(path, caller, directory));
    }

    /**
     * May the caller write at {@code path}: WRITE on the file when it exists, else WRITE on the
     * directory that would hold it (which must exist). Answers the entries of the chain.
     */
    public Uni<List<Entry>> requireWrite(FsPath path, Caller caller, String action) {
        return namespace.chain(path).flatMap(chain -> requireWrite(path, chain, caller, action));
    }

    /** Like {@link #requireWrite}, on the chain the caller resolved for {@code path}. */
    public Uni<List<Entry>> requireWrite(FsPath path, List<Entry> chain, Caller caller, String action) {
        return nodes(chain).map(nodes -> {
            int depth = path.segments().size() + 1;
            String noDirectory = "Directory " + path.parent() + " does not exist.";
            if (chain.size() == depth) {
                check(nodes, path, caller, Permission.WRITE, action, missing(path));
            } else if (chain.size() == depth - 1 && chain.get(chain.size() - 1).isDir()) {
                check(nodes, path.parent(), caller, Permission.WRITE, action, noDirectory);
                requireCreatableAtRoot(path, caller, false);
            } else {
                check(nodes, path, caller, Permission.READ, action, noDirectory);
                throw new NotFound(noDirectory);
            }
            return chain;
        });
    }

    /**
     * mkdir: WRITE on the deepest directory that exists on the way (with {@code parents}, the
     * directories in between are created by the caller, who then owns them).
     */
    public Uni<Void> requireMkdir(FsPath path, Caller caller) {
        return namespace.chain(path).flatMap(chain -> nodes(chain).map(nodes -> {
            FsPath deepest = new FsPath(path.segments().subList(0, chain.size() - 1));
            if (!chain.get(chain.size() - 1).isDir()) {
                // The answer will be 409 "is a file": only for those who may see that file.
                check(nodes, deepest, caller, Permission.READ, "mkdir", missing(path));
                return null;
            }
            check(nodes, deepest, caller, Permission.WRITE, "mkdir", missing(path));
            if (deepest.isRoot()) {
                requireCreatableAtRoot(new FsPath(path.segments().subList(0, 1)), caller, true);
            }
            return null;
        })).replaceWithVoid();
    }

    /**
     * The permissions the caller holds on the entries of {@code chain} (root first, ending at the
     * entry asked about), without refusing or recording anything: for what an answer may show.
     */
    public Uni<Set<Permission>> held(List<Entry> chain, Caller caller) {
        return nodes(chain).map(nodes -> caller.admin() ? EnumSet.allOf(Permission.class)
                : AccessRules.held(nodes, caller.id(), caller.principals()));
    }

    /**
     * Of a directory's children, those the caller may READ, given the directory's chain and the
     * children's own ACLs (a child absent from {@code childAcls} has none).
     */
    public Uni<List<Entry>> readable(List<Entry> dirChain, List<Entry> children, Map<Long, Acl> childAcls,
            Caller caller) {
        return nodes(dirChain).map(base -> {
            Set<String> principals = caller.principals();
            List<Entry> visible = new ArrayList<>(children.size());
            for (Entry child : children) {
                List<AccessRules.Node> chain = new ArrayList<>(base.size() + 1);
                chain.addAll(base);
                chain.add(new AccessRules.Node(child.entryId, child.ownerId,
                        childAcls.getOrDefault(child.entryId, Acl.NONE)));
                if (caller.admin() || AccessRules.held(chain, caller.id(), principals).contains(Permission.READ)) {
                    visible.add(child);
                }
            }
            return visible;
        });
    }

    /**
     * {@code wanted} on every entry below the directory at the end of {@code chain} (its own
     * check is the caller's): 403 if any refuses it. The problem says how many do, not which,
     * since the caller may not be allowed to see their names.
     */
    public Uni<Void> requireBelow(FsPath path, List<Entry> chain, List<Entry> below, Caller caller,
            Permission wanted, String action) {
        if (below.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Long> ids = new ArrayList<>(chain.size() + below.size());
        chain.forEach(e -> ids.add(e.entryId));
        below.forEach(e -> ids.add(e.entryId));
        return acls(ids).map(acls -> {
            List<AccessRules.Below> nodes = below.stream().map(e -> new AccessRules.Below(new AccessRules.Node(
                    e.entryId, e.ownerId, acls.getOrDefault(e.entryId, Acl.NONE)), e.parentId)).toList();
            List<Long> refused = AccessRules.refusedBelow(toNodes(chain, acls), nodes, caller.id(),
                    caller.principals(), wanted);
            if (refused.isEmpty()) {
                return null;
            }
            if (!caller.admin()) {
                throw new Forbidden("You lack " + wanted + " on " + refused.size() + " of the " + below.size()
                        + " entries below " + path + "; nothing was changed.").with("permission", wanted.name())
                        .with("refusedEntries", refused.size()).denying(path.toString(), wanted.name());
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("path", path.toString());
            details.put("permission", wanted.name());
            details.put("operation", action);
            details.put("entriesBelow", refused.size());
            detached.record(Topics.ACCESS, caller.id(), EventTypes.ADMIN_OVERRIDE, path.toString(),
                    new AuditData(caller.id(), EventTypes.ADMIN_OVERRIDE, path.toString(), AuditData.Outcome.SUCCESS,
                            "admin role", null, null, details).by(caller.subject()));
            return null;
        }).replaceWithVoid();
    }

    public Uni<AclApi.View> view(FsPath path, Caller caller) {
        return namespace.chain(path).flatMap(chain -> nodes(chain).map(nodes -> {
            if (chain.size() != path.segments().size() + 1) {
                check(nodes, path, caller, Permission.READ, "read ACL", missing(path));
                throw new NotFound(missing(path));
            }
            check(nodes, path, caller, Permission.READ, "read ACL", missing(path));
            AccessRules.Node target = nodes.get(nodes.size() - 1);
            Set<Permission> held = caller.admin() ? EnumSet.allOf(Permission.class)
                    : AccessRules.held(nodes, caller.id(), caller.principals());
            return new AclApi.View(path.toString(), target.ownerId(), target.acl().inherit(),
                    target.acl().grants().stream().map(AclService::entry).toList(),
                    held.stream().map(Enum::name).sorted().toList());
        }));
    }

    /**
     * Replaces the ACL of {@code path} (SHARE needed) and records {@code acl.changed}. Locks do
     * not block it: a lock guards content, and a grantee's lock must never keep the owner from
     * revoking that grantee.
     */
    public Uni<AclApi.View> replace(FsPath path, AclApi.Document document, Caller caller) {
        Acl wanted = parse(document);
        return require(path, caller, Permission.SHARE, "change ACL")
                .flatMap(entry -> acls(List.of(entry.entryId))
                .flatMap(before -> Panache.getSession().flatMap(session -> session.createNativeQuery(
                        "INSERT INTO acls (entry_id, inherit, grants, updated_by, updated_at) "
                                + "VALUES (:e, :i, CAST(CAST(:g AS text) AS jsonb), :u, now()) ON CONFLICT (entry_id) DO UPDATE "
                                + "SET inherit = EXCLUDED.inherit, grants = EXCLUDED.grants, "
                                + "updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at")
                        .setParameter("e", entry.entryId).setParameter("i", wanted.inherit())
                        .setParameter("g", write(wanted)).setParameter("u", caller.id()).executeUpdate())
                        .flatMap(v -> {
                            Map<String, Object> details = new LinkedHashMap<>();
                            details.put("path", path.toString());
                            details.put("before", document(before.getOrDefault(entry.entryId, Acl.NONE)));
                            details.put("after", document(wanted));
                            return outbox.record(Topics.ACLS, PathKeys.of(path), EventTypes.ACL_CHANGED,
                                    path.toString(), AuditData.success(caller.id(), EventTypes.ACL_CHANGED,
                                            path.toString(), details).by(caller.subject()));
                        })
                        .map(event -> new AclApi.View(path.toString(), entry.ownerId, wanted.inherit(),
                                wanted.grants().stream().map(AclService::entry).toList(), List.of()))));
    }

    /**
     * Refuses unless the caller holds {@code wanted} on the last of {@code nodes} ({@code path});
     * {@code missingDetail} is what this operation answers for a name that does not exist, which
     * a caller who may not see the entry gets instead (see {@link #refusal}).
     */
    private void check(List<AccessRules.Node> nodes, FsPath path, Caller caller, Permission wanted, String action,
            String missingDetail) {
        AccessRules.Decision decision = AccessRules.decide(nodes, caller.id(), caller.principals(), caller.admin(),
                wanted);
        if (!decision.allows(wanted)) {
            throw refusal(decision.held(), path, wanted, missingDetail);
        }
        if (decision.adminOnly()) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("path", path.toString());
            details.put("permission", wanted.name());
            details.put("operation", action);
            detached.record(Topics.ACCESS, caller.id(), EventTypes.ADMIN_OVERRIDE, path.toString(),
                    new AuditData(caller.id(), EventTypes.ADMIN_OVERRIDE, path.toString(), AuditData.Outcome.SUCCESS,
                            "admin role", null, null, details).by(caller.subject()));
        }
    }

    /**
     * The answer to a caller who lacks {@code wanted} on the last of {@code nodes}: 403 when the
     * caller may READ that entry (it knows the entry is there), else the same 404 a name that
     * does not exist gets, since no listing shows the caller that entry either (a name hidden by
     * {@code inherit: false}, a directory of another user under the root, anything below them).
     * Both are audited as denials of {@code wanted} on {@code path}.
     */
    private static ProblemException refusal(Set<Permission> held, FsPath path, Permission wanted,
            String missingDetail) {
        if (!held.contains(Permission.READ)) {
            return new NotFound(missingDetail).denying(path.toString(), wanted.name());
        }
        return new Forbidden("You lack " + wanted + " on " + path + ".").with("permission", wanted.name())
                .denying(path.toString(), wanted.name());
    }

    private static String missing(FsPath path) {
        return "Nothing at " + path + ".";
    }

    /**
     * The chain with its ACLs. Those of directories come from the directory cache when the chain
     * was resolved against it (same counter, so they are current); the rest are read, and the
     * directories' among them kept.
     */
    private Uni<List<AccessRules.Node>> nodes(List<Entry> chain) {
        DirectoryCache.Generation generation = chain instanceof Namespace.Chain resolved ? resolved.generation() : null;
        List<Long> ids = chain.stream().map(e -> e.entryId).toList();
        if (generation == null) {
            return acls(ids).map(acls -> toNodes(chain, acls));
        }
        Set<Long> dirs = chain.stream().filter(Entry::isDir).map(e -> e.entryId).collect(Collectors.toSet());
        return generation.values(Acl.class, ids, dirs::contains, this::acls, Acl.NONE)
                .map(acls -> toNodes(chain, acls));
    }

    private static List<AccessRules.Node> toNodes(List<Entry> chain, Map<Long, Acl> acls) {
        List<AccessRules.Node> nodes = new ArrayList<>(chain.size());
        for (Entry e : chain) {
            nodes.add(new AccessRules.Node(e.entryId, e.ownerId, acls.getOrDefault(e.entryId, Acl.NONE)));
        }
        return nodes;
    }

    /** The ACL rows of {@code ids} (entries without one are absent). */
    public Uni<Map<Long, Acl>> acls(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                "SELECT entry_id, inherit, CAST(grants AS text) FROM acls WHERE entry_id IN (:ids)", Object[].class)
                .setParameter("ids", ids).getResultList())
                .map(rows -> {
                    Map<Long, Acl> acls = new HashMap<>();
                    for (Object[] row : rows) {
                        acls.put(((Number) row[0]).longValue(), read((Boolean) row[1], (String) row[2]));
                    }
                    return acls;
                });
    }

    /** An ACL row's columns as an {@link Acl}. */
    public Acl read(boolean inherit, String grants) {
        try {
            List<AclApi.Entry> entries = json.readValue(grants, new TypeReference<List<AclApi.Entry>>() {
            });
            return new Acl(inherit, entries.stream().map(e -> new Grant(e.principal(),
                    Grant.permissions(e.permissions()))).toList());
        } catch (Exception e) {
            throw new IllegalStateException("unreadable ACL row", e);
        }
    }

    private String write(Acl acl) {
        try {
            return json.writeValueAsString(acl.grants().stream().map(AclService::entry).toList());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Validates a PUT body: principals and permissions checked, duplicates merged, order kept. */
    static Acl parse(AclApi.Document document) {
        if (document == null || document.entries() == null) {
            throw new BadRequest("The body needs 'entries' (a list, possibly empty) and optionally 'inherit'.");
        }
        if (document.entries().size() > MAX_ENTRIES) {
            throw new BadRequest("An ACL holds at most " + MAX_ENTRIES + " entries.");
        }
        Map<String, EnumSet<Permission>> merged = new LinkedHashMap<>();
        for (AclApi.Entry entry : document.entries()) {
            if (entry == null) {
                throw new BadRequest("An ACL entry is null.");
            }
            String principal = Grant.principal(entry.principal());
            merged.computeIfAbsent(principal, p -> EnumSet.noneOf(Permission.class))
                    .addAll(Grant.permissions(entry.permissions()));
        }
        List<Grant> grants = merged.entrySet().stream().map(e -> new Grant(e.getKey(), e.getValue())).toList();
        return new Acl(document.inherit() == null || document.inherit(), grants);
    }

    private static AclApi.Entry entry(Grant grant) {
        return new AclApi.Entry(grant.principal(),
                grant.permissions().stream().sorted().map(Enum::name).toList());
    }

    private static Map<String, Object> document(Acl acl) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("inherit", acl.inherit());
        document.put("entries", acl.grants().stream().map(AclService::entry).toList());
        return document;
    }
}
