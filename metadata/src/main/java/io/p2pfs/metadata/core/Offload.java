package io.p2pfs.metadata.core;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Supplier;

/**
 * CPU-heavy steps of a request (signing tokens, verifying receipts) off the event loop, their
 * result back on the caller's Vert.x context, so the database work after them stays on it.
 */
@ApplicationScoped
public class Offload {

    private final Vertx vertx;

    public Offload(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Runs {@code work} on a worker thread (unordered: several may run at once). */
    public <T> Uni<T> cpu(Supplier<T> work) {
        return vertx.executeBlocking(Uni.createFrom().item(work), false);
    }
}
