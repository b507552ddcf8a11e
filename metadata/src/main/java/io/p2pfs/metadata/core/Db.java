package io.p2pfs.metadata;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import java.util.function.Function;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Runs a unit of database work from a worker thread (the data path streams bodies there and
 * must not run on the event loop): the work runs on a Vert.x context in one transaction and
 * the calling thread waits for it.
 */
public final class Db {

    private Db() {
    }

    public static <T> T inTransaction(Function<Mutiny.Session, ? extends Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(
                    () -> Panache.withTransaction(() -> Panache.getSession().flatMap(session -> work.apply(session))));
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
