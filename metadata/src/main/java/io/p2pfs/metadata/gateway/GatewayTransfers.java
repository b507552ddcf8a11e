package io.p2pfs.metadata.gateway;

import io.p2pfs.client.transfer.ControlPlane;
import io.p2pfs.client.transfer.Downloader;
import io.p2pfs.client.transfer.TransferSettings;
import io.p2pfs.client.transfer.Uploader;
import io.p2pfs.metadata.core.Caller;
import io.p2pfs.metadata.downloads.ManifestService;
import io.p2pfs.metadata.replicas.NodeTransport;
import io.p2pfs.metadata.replicas.PlacementConfig;
import io.p2pfs.metadata.replicas.ReplicaChecks;
import io.p2pfs.metadata.uploads.InlineUploads;
import io.p2pfs.metadata.uploads.UploadCommit;
import io.p2pfs.metadata.uploads.UploadSessions;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The client library's chunk pipeline, run by this service for callers of the gateway: the
 * same uploader and downloader a direct client runs, on this service's event loops and a CPU
 * pool of one thread per core, talking to the control plane in-process. Content small enough to
 * be kept inline never reaches the pipeline: it is committed in one transaction.
 */
@ApplicationScoped
public class GatewayTransfers {

    private final UploadSessions sessions;
    private final UploadCommit commits;
    private final ManifestService manifests;
    private final ReplicaChecks checks;
    private final InlineUploads inline;
    private final ExecutorService cpu;
    private final ExecutorService calls;
    private final Uploader uploader;
    private final Downloader downloader;

    public GatewayTransfers(UploadSessions sessions, UploadCommit commits, ManifestService manifests,
            ReplicaChecks checks, NodeTransport transport, PlacementConfig placement, InlineUploads inline) {
        this.inline = inline;
        this.sessions = sessions;
        this.commits = commits;
        this.manifests = manifests;
        this.checks = checks;
        this.cpu = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                Thread.ofPlatform().name("gateway-cpu-", 0).daemon().factory());
        this.calls = Executors.newCachedThreadPool(Thread.ofPlatform().name("gateway-calls-", 0).daemon().factory());
        TransferSettings settings = new TransferSettings(placement.chunksInFlight(), placement.readsInFlight(),
                placement.peerTimeout(), inline.maxSize());
        this.uploader = new Uploader(transport.transport(), cpu, settings);
        this.downloader = new Downloader(transport.transport(), cpu, calls, settings);
    }

    public Uploader uploader() {
        return uploader;
    }

    public Downloader downloader() {
        return downloader;
    }

    /** The control plane as {@code caller} sees it. */
    public ControlPlane controlFor(Caller caller) {
        return new LocalControlPlane(sessions, commits, inline, manifests, checks, caller);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        cpu.shutdownNow();
        calls.shutdownNow();
    }
}
