package io.p2pfs.peer.membership;

import io.p2pfs.peer.PeerConfig;
import io.p2pfs.peer.chunks.ChunkStore;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * This node's membership loop: register with the tracker (url, capacity, zone, public key), then heartbeat
 * (used bytes, chunk count) at the interval the tracker asks for, and register again when the
 * tracker answers a heartbeat with 404 (it lost its state). Runs on its own thread because the
 * calls block and must go on while the tracker is down.
 */
@ApplicationScoped
public class Membership {

    private final PeerConfig config;
    private final TrackerClient tracker;
    private final NodeIdentity identity;
    private final ChunkStore store;
    private final NodeKey key;
    private final AtomicLong registrations = new AtomicLong();
    private final AtomicLong heartbeats = new AtomicLong();
    private volatile boolean running;
    private Thread worker;

    public Membership(PeerConfig config, TrackerClient tracker, NodeIdentity identity, ChunkStore store,
            NodeKey key) {
        this.key = key;
        this.config = config;
        this.tracker = tracker;
        this.identity = identity;
        this.store = store;
    }

    void start(@Observes StartupEvent startup) {
        if (!config.membership().enabled()) {
            config.membership().standaloneNodeId().ifPresent(identity::assign);
            return;
        }
        running = true;
        worker = Thread.ofPlatform().name("membership").daemon().start(this::run);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        running = false;
        if (worker != null) {
            worker.interrupt();
        }
    }

    /** Successful registrations so far (the first and any after the tracker forgot this node). */
    public long registrations() {
        return registrations.get();
    }

    public long heartbeats() {
        return heartbeats.get();
    }

    private void run() {
        Duration interval = Duration.ofSeconds(10);
        while (running) {
            try {
                if (identity.nodeId().isEmpty()) {
                    interval = register();
                } else {
                    heartbeat(identity.nodeId().get());
                }
                pause(interval);
            } catch (NodeUnknown forgotten) {
                Log.warnf("The tracker forgot node %s; registering again", identity.nodeId().orElse("?"));
                try {
                    interval = register();
                } catch (RuntimeException e) {
                    Log.warnf("Registration with the tracker failed: %s", e.getMessage());
                    pause(config.membership().retryPause());
                }
            } catch (RuntimeException e) {
                Log.warnf("Tracker call failed: %s", e.getMessage());
                pause(config.membership().retryPause());
            }
        }
    }

    private Duration register() {
        String url = config.publicUrl().endsWith("/")
                ? config.publicUrl().substring(0, config.publicUrl().length() - 1) : config.publicUrl();
        TrackerApi.Registration registration = tracker.register(
                new TrackerApi.RegisterNode(url, config.capacityBytes(), config.zone(), key.publicJwk(),
                        key.proof(io.p2pfs.common.chunks.NodeProofs.REGISTER, url)));
        String previous = identity.nodeId().orElse(null);
        identity.assign(registration.nodeId());
        registrations.incrementAndGet();
        Log.infof("Registered with the tracker as node %s (zone %s, %s)%s", registration.nodeId(), config.zone(),
                config.publicUrl(), previous != null && !previous.equals(registration.nodeId())
                        ? ", was " + previous : "");
        return Duration.ofSeconds(Math.max(1, registration.heartbeatIntervalSeconds()));
    }

    private void heartbeat(String nodeId) {
        tracker.heartbeat(nodeId, new TrackerApi.Heartbeat(store.usedBytes(), store.chunkCount(),
                key.proof(io.p2pfs.common.chunks.NodeProofs.HEARTBEAT, nodeId)));
        heartbeats.incrementAndGet();
    }

    private void pause(Duration duration) {
        if (running) {
            LockSupport.parkNanos(duration.toNanos());
        }
    }
}
