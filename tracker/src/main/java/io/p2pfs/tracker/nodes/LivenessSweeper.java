package io.p2pfs.tracker.nodes;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Runs the liveness sweep on a fixed period; the service makes sure one replica sweeps at a time. */
@ApplicationScoped
public class LivenessSweeper {

    private final NodeService nodes;

    public LivenessSweeper(NodeService nodes) {
        this.nodes = nodes;
    }

    @Scheduled(every = "${p2pfs.tracker.liveness-check-interval:2s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return nodes.markSilentNodesDown()
                .invoke(down -> {
                    if (down > 0) {
                        Log.infof("Marked %d silent node(s) DOWN", down);
                    }
                })
                .onFailure().invoke(e -> Log.warnf("Liveness sweep failed: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
