package io.p2pfs.metadata.locks;

import io.p2pfs.metadata.core.PathKeys;
import io.p2pfs.common.events.AuditData;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.outbox.Outbox;
import io.p2pfs.common.paths.FsPath;
import io.p2pfs.common.problem.BadRequest;
import io.p2pfs.common.problem.Forbidden;
import io.p2pfs.common.problem.NotFound;
import io.p2pfs.common.problem.PreconditionFailed;
import io.p2pfs.common.reactive.Sequence;
import io.p2pfs.metadata.acl.AclService;
import io.p2pfs.metadata.acl.Permission;
import io.p2pfs.metadata.core.Caller;
import io.p2pfs.metadata.namespace.Entry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Grants, renews, releases, lists and expires locks. State lives only in the
 * {@code locks} table: grants serialise on an advisory lock, expiry is decided by the database's
 * clock, and the sweep claims expired rows with {@code FOR UPDATE SKIP LOCKED}, so any number of
 * replicas may run side by side.
 */
@ApplicationScoped
public class LeaseService {

    private final PathEntries entries;
    private final Outbox outbox;
    private final LockDenials denials;
    private final LocksConfig config;

    private final AclService acls;

    public LeaseService(PathEntries entries, Outbox outbox, LockDenials denials, LocksConfig config,
            AclService acls) {
        this.acls = acls;
        this.entries = entries;
        this.outbox = outbox;
        this.denials = denials;
        this.config = config;
    }

    @WithTransaction
    public Uni<LockApi.Granted> acquire(FsPath path, LockApi.LockRequest request, Caller caller) {
        LockMode mode = request == null || request.mode() == null ? LockMode.EXCLUSIVE : request.mode();
        int ttl = ttl(request == null ? null : request.ttlSeconds(), config.defaultTtlSeconds());
        return acls.requireChain(path, caller, Permission.WRITE, "lock").flatMap(chain -> {
            Entry entry = chain.get(chain.size() - 1);
            requireNotRoot(caller, entry, "lock");
            String entryPath = Lease.entryPath(PathEntries.ids(chain));
            return LockGuard.advisory("pg_advisory_xact_lock").flatMap(v -> PathEntries.databaseNow())
                    .flatMap(now -> overlapping(chain, entryPath, now).flatMap(live -> {
                        for (Lease held : live) {
                            if (!mode.compatibleWith(held.mode)) {
                                denials.denied(caller.id(), path, "lock", mode, held);
                                throw LockGuard.locked(path, held);
                            }
                        }
                        String token = LockTokens.newToken();
                        Lease lease = new Lease();
                        lease.entryId = entry.entryId;
                        lease.entryPath = entryPath;
                        lease.mode = mode;
                        lease.ownerId = caller.id();
                        lease.tokenHash = LockTokens.hash(token);
                        lease.ttlSeconds = ttl;
                        lease.acquiredAt = now;
                        lease.expiresAt = now.plusSeconds(ttl);
                        return lease.persistAndFlush()
                                .flatMap(saved -> record(EventTypes.LOCK_ACQUIRED, path.toString(), lease, caller.id(), caller.subject()))
                                .map(event -> new LockApi.Granted(token, mode, lease.expiresAt, lease.ownerId,
                                        path.toString(), ttl));
                    }));
        });
    }

    /** Extends the caller's lease; WRITE is checked again, so a revoked writer cannot keep a lock alive. */
    @WithTransaction
    public Uni<LockApi.Renewed> renew(FsPath path, Set<String> tokens, LockApi.RenewRequest request, Caller caller) {
        Integer wanted = request == null ? null : request.ttlSeconds();
        return acls.requireChain(path, caller, Permission.WRITE, "renew lock").flatMap(chain -> held(chain, path, tokens,
                caller))
                .flatMap(lease -> PathEntries.databaseNow().flatMap(now -> {
            lease.ttlSeconds = ttl(wanted, lease.ttlSeconds);
            lease.expiresAt = now.plusSeconds(lease.ttlSeconds);
            return record(EventTypes.LOCK_RENEWED, path.toString(), lease, caller.id(), caller.subject())
                    .map(event -> new LockApi.Renewed(lease.mode, lease.expiresAt, lease.ownerId, path.toString(),
                            lease.ttlSeconds));
        }));
    }

    /**
     * Releases the caller's own lock. READ on the path first, so that what is answered (404 or
     * 412) says nothing about a path the caller may not see.
     */
    @WithTransaction
    public Uni<Void> release(FsPath path, Set<String> tokens, Caller caller) {
        return acls.requireChain(path, caller, Permission.READ, "release lock").flatMap(chain -> held(chain, path,
                tokens, caller)).flatMap(lease -> lease.delete()
                .flatMap(v -> record(EventTypes.LOCK_RELEASED, path.toString(), lease, caller.id(), caller.subject())))
                .replaceWithVoid();
    }

    /**
     * Breaks every live lock on exactly {@code path}, whoever holds it: for the entry's owner (or
     * the owner of a directory above it), a SHARE holder and an admin (whose override is audited),
     * so that no grantee can lock an owner out. Each broken lock is a {@code lock.broken} event
     * naming its holder and who broke it; 404 when no live lock is on the path.
     */
    @WithTransaction
    public Uni<List<LockApi.LockInfo>> breakLocks(FsPath path, Caller caller) {
        return acls.requireChain(path, caller, Permission.SHARE, "break lock").flatMap(chain -> {
            Entry entry = chain.get(chain.size() - 1);
            return PathEntries.databaseNow().flatMap(now -> Lease.<Lease>find("entryId = ?1 and expiresAt > ?2",
                    entry.entryId, now).withLock(LockModeType.PESSIMISTIC_WRITE).list())
                    .flatMap(live -> {
                        if (live.isEmpty()) {
                            throw new NotFound("No live lock is on " + path + ".");
                        }
                        List<LockApi.LockInfo> broken = new ArrayList<>();
                        return Sequence.forEach(live, lease -> lease.delete()
                                .flatMap(v -> record(EventTypes.LOCK_BROKEN, path.toString(), lease, caller.id(), caller.subject()))
                                .invoke(event -> broken.add(new LockApi.LockInfo(path.toString(), lease.mode,
                                        lease.ownerId, lease.acquiredAt, lease.expiresAt))))
                                .replaceWith(broken);
                    });
        });
    }

    /**
     * The live locks that bind {@code path}: on it, on an ancestor, or (for a directory) below it;
     * of those, only the ones on entries the caller may READ, so names below stay hidden.
     */
    @WithSession
    public Uni<List<LockApi.LockInfo>> list(FsPath path, Caller caller) {
        return acls.requireChain(path, caller, Permission.READ, "list locks").flatMap(chain -> {
            String entryPath = Lease.entryPath(PathEntries.ids(chain));
            return PathEntries.databaseNow().flatMap(now -> overlapping(chain, entryPath, now))
                    .flatMap(live -> describe(live, caller));
        });
    }

    private Uni<List<LockApi.LockInfo>> describe(List<Lease> live, Caller caller) {
        List<LockApi.LockInfo> out = new ArrayList<>();
        return Sequence.forEach(live, lease -> entries.chainOf(lease.entryId).flatMap(chain -> acls.held(chain, caller)
                .invoke(held -> {
                    if (held.contains(Permission.READ)) {
                        out.add(new LockApi.LockInfo(entries.pathOf(chain), lease.mode, lease.ownerId,
                                lease.acquiredAt, lease.expiresAt));
                    }
                }))).replaceWith(out);
    }

    /**
     * Deletes expired locks (at most one batch) with a {@code lock.expired} event each. Rows are
     * claimed with {@code SKIP LOCKED}: replicas sweeping at once split the work, and a lock being
     * renewed right now is left to its renewal.
     */
    @WithTransaction
    public Uni<Integer> sweepExpired() {
        return PathEntries.databaseNow().flatMap(now -> Panache.getSession().flatMap(session -> session
                .createNativeQuery("SELECT * FROM locks WHERE expires_at <= :now ORDER BY expires_at LIMIT :n "
                        + "FOR UPDATE SKIP LOCKED", Lease.class)
                .setParameter("now", now).setParameter("n", config.sweepBatch()).getResultList()))
                .flatMap(expired -> Sequence.forEach(expired, lease -> entries.pathOf(lease.entryId)
                        .flatMap(path -> record(EventTypes.LOCK_EXPIRED, path, lease, "system:lock-sweeper", null))
                        .flatMap(event -> lease.delete())).replaceWith(expired.size()));
    }

    /**
     * The live lock on exactly {@code path} (whose checked {@code chain} is given) that the caller
     * holds with one of {@code tokens}; 412 if none.
     */
    private Uni<Lease> held(List<Entry> chain, FsPath path, Set<String> tokens, Caller caller) {
        if (tokens.isEmpty()) {
            throw new BadRequest("The Lock-Token header must name the lock.");
        }
        List<byte[]> presented = tokens.stream().map(LockTokens::hash).toList();
        return PathEntries.databaseNow().flatMap(now -> Lease.<Lease>find(
                "entryId = ?1 and ownerId = ?2 and expiresAt > ?3", chain.get(chain.size() - 1).entryId,
                caller.id(), now).withLock(LockModeType.PESSIMISTIC_WRITE).list())
                .map(mine -> mine.stream().filter(l -> l.heldBy(caller.id(), presented)).findFirst()
                        .orElseThrow(() -> new PreconditionFailed("No live lock of yours on " + path
                                + " has this Lock-Token (it may have expired).")));
    }

    private static Uni<List<Lease>> overlapping(List<Entry> chain, String entryPath, Instant now) {
        return Lease.list("expiresAt > ?1 and (entryId in ?2 or entryPath like ?3) order by acquiredAt", now,
                PathEntries.ids(chain), entryPath + "%");
    }

    /** The root only for admins: a lock there would bind everyone. */
    static void requireNotRoot(Caller caller, Entry entry, String what) {
        if (entry.entryId == Entry.ROOT_ID && !caller.admin()) {
            throw new Forbidden("Only an admin may " + what + " /.");
        }
    }

    private static int ttl(Integer requested, int fallback) {
        int ttl = requested == null ? fallback : requested;
        if (ttl < 1 || ttl > 3600) {
            throw new BadRequest("ttlSeconds must be between 1 and 3600.");
        }
        return ttl;
    }

    private Uni<?> record(String type, String path, Lease lease, String actor, String subject) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("path", path);
        details.put("mode", lease.mode.name());
        details.put("owner", lease.ownerId);
        if (EventTypes.LOCK_BROKEN.equals(type)) {
            details.put("brokenBy", actor);
        }
        details.put("ttlSeconds", lease.ttlSeconds);
        details.put("expiresAt", lease.expiresAt.toString());
        return outbox.record(Topics.LOCKS, PathKeys.of(FsPath.parse(path)), type, path,
                AuditData.success(actor, type, path, details).by(subject));
    }
}
