package io.p2pfs.metadata.locks;

import io.p2pfs.common.paths.FsPath;
import io.p2pfs.common.problem.Locked;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.p2pfs.metadata.namespace.Namespace;
import io.p2pfs.metadata.namespace.WriteGuard;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;

/**
 * Refuses a change under someone else's live lock with 423. Every write, delete,
 * restore and policy (or ACL) change calls {@link #requireWritable} in the transaction that makes
 * the change. Changes take a shared advisory lock and lock grants the exclusive one, so a lock is
 * never granted while a change that did not see it is still committing.
 */
@ApplicationScoped
public class LockGuard implements WriteGuard {

    /** Advisory lock serialising lock grants against the changes they must see ('p2pfsLk'). */
    static final long LOCK_TABLE_KEY = 0x70327066734c6bL;

    private final Namespace namespace;
    private final LockDenials denials;
    private final HttpServerRequest request;

    public LockGuard(Namespace namespace, LockDenials denials, HttpServerRequest request) {
        this.namespace = namespace;
        this.denials = denials;
        this.request = request;
    }

    @Override
    public Set<String> presentedTokens() {
        return LockTokens.parse(request.getHeader("Lock-Token"));
    }

    @Override
    public Uni<Void> requireWritable(FsPath path, String caller, Set<String> tokens, String operation) {
        List<byte[]> presented = tokens.stream().map(LockTokens::hash).toList();
        return advisory("pg_advisory_xact_lock_shared")
                .flatMap(v -> namespace.chain(path))
                .flatMap(chain -> PathEntries.databaseNow().flatMap(now -> Lease.<Lease>list(
                        "entryId in ?1 and expiresAt > ?2", PathEntries.ids(chain), now)))
                .map(live -> {
                    for (Lease lease : live) {
                        if (!lease.heldBy(caller, presented)) {
                            denials.denied(caller, path, operation, null, lease);
                            throw locked(path, lease);
                        }
                    }
                    return null;
                });
    }

    /** Takes the advisory lock of the lock table with {@code function} until the transaction ends. */
    static Uni<Void> advisory(String function) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                "SELECT 1 FROM " + function + "(:key)", Integer.class).setParameter("key", LOCK_TABLE_KEY)
                .getSingleResult()).replaceWithVoid();
    }

    static Locked locked(FsPath path, Lease holder) {
        Locked locked = new Locked(path + " is locked (" + holder.mode + ") by " + holder.ownerId + " until "
                + holder.expiresAt + ".");
        locked.with("holder", holder.ownerId).with("mode", holder.mode.name())
                .with("expiresAt", holder.expiresAt.toString());
        return locked;
    }
}
