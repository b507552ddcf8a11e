package io.p2pfs.peer.scrub;

import io.p2pfs.common.chunks.ChunkEvents;
import io.p2pfs.common.chunks.ChunkId;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.peer.PeerConfig;
import io.p2pfs.peer.chunks.ChunkStore;
import io.p2pfs.peer.events.ConfirmationPublisher;
import io.p2pfs.peer.membership.NodeIdentity;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Re-hashes every stored chunk in the background at a limited rate (MB/s), pass after pass. A
 * chunk whose SHA-256 no longer matches its id is moved to quarantine (out of service, kept for
 * inspection) and reported as {@code chunk.corrupt}, so metadata re-places it from a good
 * replica. Runs on its own low-priority thread: it reads the disk and blocks.
 */
@ApplicationScoped
public class Scrubber {

    private final ChunkStore store;
    private final ConfirmationPublisher publisher;
    private final NodeIdentity identity;
    private final PeerConfig.Scrub settings;
    private final AtomicLong passes = new AtomicLong();
    private volatile boolean running;
    private Thread worker;

    public Scrubber(ChunkStore store, ConfirmationPublisher publisher, NodeIdentity identity, PeerConfig config) {
        this.store = store;
        this.publisher = publisher;
        this.identity = identity;
        this.settings = config.scrub();
    }

    void start(@Observes StartupEvent startup) {
        if (!settings.enabled()) {
            return;
        }
        running = true;
        worker = Thread.ofPlatform().name("scrubber").daemon().priority(Thread.MIN_PRIORITY).start(this::run);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        running = false;
        if (worker != null) {
            worker.interrupt();
        }
    }

    /** Completed passes over the inventory. */
    public long passes() {
        return passes.get();
    }

    private void run() {
        Throttle throttle = new Throttle(settings.rateMbPerSecond() * 1024 * 1024);
        while (running) {
            String nodeId = identity.nodeId().orElse(null);
            if (nodeId == null) {
                LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
                continue;
            }
            long started = System.nanoTime();
            long[] scanned = {0};
            for (String hex : store.ids()) {
                if (!running) {
                    return;
                }
                ChunkId chunkId = new ChunkId(hex);
                try {
                    boolean intact = store.verify(chunkId, bytes -> {
                        scanned[0] += bytes;
                        LockSupport.parkNanos(throttle.pauseNanos(scanned[0], System.nanoTime() - started));
                    });
                    if (!intact) {
                        quarantine(chunkId, identity.nodeId().orElse(nodeId));
                    }
                } catch (NoSuchFileException deleted) {
                    // deleted while the pass was running
                } catch (IOException | RuntimeException e) {
                    Log.warnf("Scrubbing chunk %s failed: %s", hex, e.getMessage());
                }
            }
            passes.incrementAndGet();
            LockSupport.parkNanos(settings.pauseBetweenPasses().toNanos());
        }
    }

    private void quarantine(ChunkId chunkId, String nodeId) throws IOException {
        if (store.quarantine(chunkId)) {
            Log.warnf("Chunk %s is corrupt on disk: quarantined", chunkId);
            publisher.publish(EventTypes.CHUNK_CORRUPT, chunkId.hex(),
                    new ChunkEvents.Corrupt(chunkId.hex(), nodeId, "SHA-256 of the stored bytes does not match the id"));
        }
    }
}
