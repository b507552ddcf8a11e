package io.p2pfs.metadata.core;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import java.util.function.Function;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Database work for the threads that must block: the gateway's transfers stream bodies on
 * worker threads and the chunk pipeline calls the control plane from its own. The work runs on
 * a Vert.x context and the calling thread waits for it; never call these on an event loop.
 */
public final class Db {

    private Db() {
    }

    /**
     * Waits for a unit of work that opens its own session or transaction (a service method
     * annotated {@code @WithTransaction}, or one that calls {@code Panache.withTransaction}).
     */
    public static <T> T await(java.util.function.Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
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
