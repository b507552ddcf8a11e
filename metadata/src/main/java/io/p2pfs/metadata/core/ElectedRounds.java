package io.p2pfs.metadata.core;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import java.util.function.Function;
import java.util.function.Predicate;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Background work that one replica of the service does at a time (repair, garbage collection):
 * a round runs in one transaction, and only in the replica that takes the round's
 * transaction-level advisory lock; the others skip it. The lock goes with the transaction, so a
 * replica that dies mid-round hands the work over at the next tick.
 */
public final class ElectedRounds {

    private ElectedRounds() {
    }

    /** Runs {@code work} in one transaction if this replica takes {@code lockKey}; answers whether it did. */
    public static Uni<Boolean> run(long lockKey, Function<Mutiny.Session, Uni<Void>> work) {
        return Panache.withTransaction(() -> Panache.getSession().flatMap(db -> db
                .createNativeQuery("SELECT pg_try_advisory_xact_lock(:key)", Boolean.class)
                .setParameter("key", lockKey).getSingleResult()
                .flatMap(leader -> Boolean.TRUE.equals(leader) ? work.apply(db).replaceWith(true)
                        : Uni.createFrom().item(false))));
    }

    /**
     * A scheduled round as the scheduler wants it: what it did is logged when {@code busy}, a
     * failure is logged (and answers null) and the next tick tries again.
     */
    public static <T> Uni<T> logged(String name, Uni<T> round, Predicate<T> busy) {
        return round.invoke(tally -> {
            if (busy.test(tally)) {
                Log.infof("%s: %s", name, tally);
            }
        }).onFailure().invoke(e -> Log.warnf("%s failed: %s", name, e.getMessage()))
                .onFailure().recoverWithNull();
    }
}
