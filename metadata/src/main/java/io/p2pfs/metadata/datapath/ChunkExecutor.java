package io.p2pfs.metadata.datapath;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The threads that encrypt chunks and move them to and from peers (CPU work and blocking HTTP
 * off the event loop). Uploads and downloads bound how many chunks each has in flight; this
 * pool bounds the total.
 */
@ApplicationScoped
public class ChunkExecutor {

    private final ExecutorService pool = Executors.newFixedThreadPool(
            Math.max(8, Runtime.getRuntime().availableProcessors() * 4),
            Thread.ofPlatform().name("chunk-pipeline-", 0).daemon().factory());

    public <T> Future<T> submit(Callable<T> task) {
        return pool.submit(task);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        pool.shutdownNow();
    }
}
