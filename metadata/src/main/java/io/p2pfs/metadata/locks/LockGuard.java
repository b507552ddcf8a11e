package io.p2pfs.metadata.locks;

import io.p2pfs.common.paths.FsPath;
import io.p2pfs.common.problem.Locked;
import io.p2pfs.metadata.namespace.Entry;
import io.p2pfs.metadata.namespace.Namespace;
import io.p2pfs.metadata.namespace.WriteGuard;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;

/**
 * Refuses a change under someone else's live lock with 423. Every write, delete,
 * mkdir and restore calls {@link #requireWritable} in the transaction that makes the change (ACL
 * and policy changes do not: a lock guards content, never the owner's control over it); a move or a recursive delete calls {@link #requireTreeWritable}, which also sees the
 * locks below. Changes take a shared advisory lock and lock grants the exclusive one, so a lock is
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

    /** Every {@code Lock-Token} header of the request: each may name one or more tokens. */
    @Override
    public Set<String> presentedTokens() {
        return LockTokens.parse(String.join(",", request.headers().getAll("Lock-Token")));
    }

    @Override
    public Uni<Void> requireWritable(FsPath path, String caller, Set<String> tokens, String operation) {
        return namespace.chain(path).flatMap(chain -> requireWritable(path, chain, caller, tokens, operation));
    }

    @Override
    public Uni<Void> requireWritable(FsPath path, List<Entry> chain, String caller, Set<String> tokens,
            String operation) {
        // Lock grants change no entry, so a chain resolved before the advisory lock still holds.
        return advisory("pg_advisory_xact_lock_shared")
                .flatMap(v -> live(PathEntries.ids(chain)))
                .map(live -> refuseOthers(live, List.of(), path, caller, tokens, operation));
    }

    /** The live locks on {@code entryIds}, judged by the database's clock in the same statement. */
    private static Uni<List<Lease>> live(List<Long> entryIds) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                "SELECT * FROM locks WHERE entry_id IN (:ids) AND expires_at > clock_timestamp()", Lease.class)
                .setParameter("ids", entryIds).getResultList());
    }

    @Override
    public Uni<Void> requireTreeWritable(FsPath path, String caller, Set<String> tokens, String operation) {
        return advisory("pg_advisory_xact_lock_shared")
                .flatMap(v -> namespace.chain(path))
                .flatMap(chain -> PathEntries.databaseNow().flatMap(now -> {
                    List<Long> above = PathEntries.ids(chain);
                    if (chain.size() != path.segments().size() + 1) {
                        // Nothing is below a path that does not exist; only the locks above it bind.
                        return Lease.<Lease>list("entryId in ?1 and expiresAt > ?2", above, now)
                                .map(live -> refuseOthers(live, above, path, caller, tokens, operation));
                    }
                    return Lease.<Lease>list("expiresAt > ?1 and (entryId in ?2 or entryPath like ?3)", now,
                            above, Lease.entryPath(above) + "%")
                            .map(live -> refuseOthers(live, above, path, caller, tokens, operation));
                }));
    }

    /** 423 for the first of {@code live} the caller does not hold ({@code above}: the path's chain, if known). */
    private Void refuseOthers(List<Lease> live, List<Long> above, FsPath path, String caller, Set<String> tokens,
            String operation) {
        List<byte[]> presented = tokens.stream().map(LockTokens::hash).toList();
        for (Lease lease : live) {
            if (!lease.heldBy(caller, presented)) {
                denials.denied(caller, path, operation, null, lease);
                if (!above.isEmpty() && !above.contains(lease.entryId)) {
                    throw locked("An entry below " + path, lease);
                }
                throw locked(path, lease);
            }
        }
        return null;
    }

    @Override
    public Uni<Void> relocate(List<Long> before, List<Long> after) {
        String from = Lease.entryPath(before);
        String to = Lease.entryPath(after);
        if (from.equals(to)) {
            return Uni.createFrom().voidItem();
        }
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                "UPDATE locks SET entry_path = :to || substr(entry_path, :cut) WHERE left(entry_path, :length) = :from")
                .setParameter("to", to).setParameter("cut", from.length() + 1)
                .setParameter("length", from.length()).setParameter("from", from).executeUpdate())
                .replaceWithVoid();
    }

    /** Takes the advisory lock of the lock table with {@code function} until the transaction ends. */
    static Uni<Void> advisory(String function) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                "SELECT 1 FROM " + function + "(:key)", Integer.class).setParameter("key", LOCK_TABLE_KEY)
                .getSingleResult()).replaceWithVoid();
    }

    static Locked locked(FsPath path, Lease holder) {
        return locked(path.toString(), holder);
    }

    private static Locked locked(String what, Lease holder) {
        Locked locked = new Locked(what + " is locked (" + holder.mode + ") by " + holder.ownerId + " until "
                + holder.expiresAt + ".");
        locked.with("holder", holder.ownerId).with("mode", holder.mode.name())
                .with("expiresAt", holder.expiresAt.toString());
        return locked;
    }
}
