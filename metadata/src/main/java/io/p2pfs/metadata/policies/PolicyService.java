package io.p2pfs.metadata.policies;

import io.p2pfs.metadata.core.PathKeys;
import io.p2pfs.common.events.AuditData;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.outbox.Outbox;
import io.p2pfs.common.paths.FsPath;
import io.p2pfs.common.problem.Conflict;
import io.p2pfs.common.problem.Forbidden;
import io.p2pfs.common.problem.NotFound;
import io.p2pfs.metadata.replicas.PlacementConfig;
import io.p2pfs.metadata.locks.PathEntries;
import io.p2pfs.metadata.acl.AclService;
import io.p2pfs.metadata.acl.Permission;
import io.p2pfs.metadata.core.Caller;
import io.p2pfs.metadata.namespace.DirectoryCache;
import io.p2pfs.metadata.namespace.Entry;
import io.p2pfs.metadata.namespace.Namespace;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Directory policies (conflict strategy, replication factor, retention) and their inheritance:
 * at any path, each setting comes from the nearest directory on the way up that sets it.
 */
@ApplicationScoped
public class PolicyService {

    private final Namespace namespace;
    private final Outbox outbox;
    private final PoliciesConfig config;
    private final PlacementConfig placement;

    private final AclService acls;

    public PolicyService(Namespace namespace, Outbox outbox, PoliciesConfig config,
            PlacementConfig placement, AclService acls) {
        this.acls = acls;
        this.namespace = namespace;
        this.outbox = outbox;
        this.config = config;
        this.placement = placement;
    }

    /**
     * The policy that applies to a file at {@code path} (or would, once created): inherited
     * through the existing directories above it. Runs in the caller's session.
     */
    public Uni<EffectivePolicy> effectiveFor(FsPath path) {
        return namespace.chain(path).flatMap(this::effectiveFor);
    }

    /** Like {@link #effectiveFor(FsPath)}, on the chain of entries the caller resolved for the path. */
    public Uni<EffectivePolicy> effectiveFor(List<Entry> chain) {
        return effective(chain.stream().filter(Entry::isDir).toList(),
                chain instanceof Namespace.Chain resolved ? resolved.generation() : null);
    }

    /** Directories' own settings come from the directory cache when the chain was checked against it. */
    private Uni<EffectivePolicy> effective(List<Entry> dirsRootFirst, DirectoryCache.Generation generation) {
        List<Long> ids = PathEntries.ids(dirsRootFirst);
        Uni<Map<Long, PolicySettings>> own = generation == null ? read(ids)
                : generation.values(PolicySettings.class, ids, id -> true, this::read, PolicySettings.NONE);
        return own.map(byEntry -> EffectivePolicy.resolve(ids.stream()
                .map(id -> byEntry.getOrDefault(id, PolicySettings.NONE)).toList(), config.defaultConflictStrategy(),
                placement.replicationFactor()));
    }

    /** The own settings of those of {@code ids} that have a policy. */
    private Uni<Map<Long, PolicySettings>> read(List<Long> ids) {
        return DirectoryPolicy.<DirectoryPolicy>list("entryId in ?1", ids).map(found -> {
            Map<Long, PolicySettings> byEntry = new LinkedHashMap<>();
            found.forEach(p -> byEntry.put(p.entryId, p.settings()));
            return byEntry;
        });
    }

    @WithSession
    public Uni<PolicyApi> get(FsPath path, Caller caller) {
        return acls.requireChain(path, caller, Permission.READ, "read policy").flatMap(chain -> view(path, chain));
    }

    /** Replaces the directory's own settings (unset ones are inherited); all unset removes its policy. */
    @WithTransaction
    public Uni<PolicyApi> put(FsPath path, PolicySettings requested, Caller caller) {
        PolicySettings settings = (requested == null ? PolicySettings.NONE : requested).validated();
        return acls.requireChain(path, caller, Permission.SHARE, "change policy").flatMap(chain -> {
            Entry dir = chain.get(chain.size() - 1);
            if (!dir.isDir()) {
                throw new Conflict(path + " is a file; policies are set on directories and apply to their subtree.");
            }
            if (dir.entryId == Entry.ROOT_ID && !caller.admin()) {
                throw new Forbidden("Only an admin may change the policy of /.");
            }
            // Locks do not block it: like an ACL, a policy is the owner's (or a SHARE holder's) to change.
            // Changes of one directory's policy take turns on its row: two first policies at once
            // would otherwise both insert one.
            return Panache.getSession().flatMap(session -> session.createNativeQuery(
                    "SELECT entry_id FROM entries WHERE entry_id = :e FOR UPDATE", Long.class)
                    .setParameter("e", dir.entryId).getResultList())
                    .flatMap(locked -> DirectoryPolicy.<DirectoryPolicy>findById(dir.entryId))
                    .flatMap(existing -> {
                        PolicySettings before = existing == null ? PolicySettings.NONE : existing.settings();
                        Uni<?> change;
                        if (settings.isEmpty()) {
                            change = existing == null ? Uni.createFrom().voidItem() : existing.delete();
                        } else {
                            DirectoryPolicy row = existing != null ? existing : new DirectoryPolicy();
                            row.entryId = dir.entryId;
                            row.apply(settings);
                            row.updatedBy = caller.id();
                            row.updatedAt = Namespace.now();
                            change = existing != null ? Uni.createFrom().item(row) : row.persist();
                        }
                        Map<String, Object> details = new LinkedHashMap<>();
                        details.put("path", path.toString());
                        details.put("before", before);
                        details.put("after", settings);
                        return change.flatMap(v -> outbox.record(Topics.ACLS, PathKeys.of(path),
                                EventTypes.POLICY_CHANGED, path.toString(), AuditData.success(caller.id(),
                                        EventTypes.POLICY_CHANGED, path.toString(), details).by(caller.subject())));
                    })
                    .flatMap(event -> view(path, chain));
        });
    }

    private Uni<PolicyApi> view(FsPath path, List<Entry> chain) {
        Entry entry = chain.get(chain.size() - 1);
        List<Entry> dirs = chain.stream().filter(Entry::isDir).toList();
        Uni<PolicySettings> own = entry.isDir()
                ? DirectoryPolicy.<DirectoryPolicy>findById(entry.entryId)
                        .map(p -> p == null ? PolicySettings.NONE : p.settings())
                : Uni.createFrom().nullItem();
        // Read anew: the caller may just have changed a policy in this transaction.
        return own.flatMap(mine -> effective(dirs, null).map(eff -> new PolicyApi(path.toString(), mine,
                eff.asSettings())));
    }
}
