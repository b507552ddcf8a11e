package io.p2pfs.client.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Runs a Vert.x call chain (e.g. an HTTP request, its response, its body) on one event loop and
 * hands its outcome to a caller on another thread. Started from a worker thread, a chain whose
 * earlier step had already completed would run its next step on the worker, racing the event
 * loop: a body handler set that way can miss a response's first buffers.
 */
public final class EventLoopCall {

    private EventLoopCall() {
    }

    public static <T> CompletableFuture<T> run(Vertx vertx, Supplier<Future<T>> chain) {
        CompletableFuture<T> result = new CompletableFuture<>();
        vertx.runOnContext(start -> chain.get().onComplete(outcome -> {
            if (outcome.succeeded()) {
                result.complete(outcome.result());
            } else {
                result.completeExceptionally(outcome.cause());
            }
        }));
        return result;
    }
}
