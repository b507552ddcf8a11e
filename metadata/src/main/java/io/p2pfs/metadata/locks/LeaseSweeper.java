package io.p2pfs.metadata.locks;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Deletes and announces expired locks every {@code p2pfs.locks.sweep-interval}, on every replica. */
@ApplicationScoped
public class LeaseSweeper {

    private final LeaseService leases;

    public LeaseSweeper(LeaseService leases) {
        this.leases = leases;
    }

    @Scheduled(every = "${p2pfs.locks.sweep-interval:1s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return leases.sweepExpired()
                .invoke(expired -> {
                    if (expired > 0) {
                        Log.debugf("Expired %d lock(s)", expired);
                    }
                })
                .onFailure().invoke(e -> Log.warnf("Lock expiry sweep failed: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
