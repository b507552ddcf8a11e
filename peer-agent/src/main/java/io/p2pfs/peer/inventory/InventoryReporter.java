package io.p2pfs.peer.inventory;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.common.chunks.ChunkId;
import io.p2pfs.common.chunks.InventoryReports;
import io.p2pfs.peer.OutboundTls;
import io.p2pfs.peer.PeerConfig;
import io.p2pfs.peer.chunks.ChunkStore;
import io.p2pfs.peer.membership.NodeCredentials;
import io.p2pfs.peer.membership.NodeIdentity;
import io.p2pfs.peer.membership.NodeKey;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Tells the metadata service what this node holds, every {@code p2pfs.peer.inventory.interval}:
 * the whole inventory in chunk-id order, a page of {@link InventoryReports#MAX_CHUNKS} at a time,
 * each page signed with the node's own key ({@code POST /api/v1/nodes/{id}/inventory}). The
 * metadata service compares each page with what it believes and acts on the differences (copies
 * of chunks this node lost, deletes for chunks nothing references). A page refused or not
 * delivered ends the pass; the next pass starts again. Runs on its own thread: it reads the disk.
 */
@ApplicationScoped
public class InventoryReporter {

    private final ChunkStore store;
    private final NodeIdentity identity;
    private final NodeKey key;
    private final NodeCredentials credentials;
    private final PeerConfig config;
    private final ObjectMapper json;
    private final HttpClient http;
    private final AtomicLong passes = new AtomicLong();
    private volatile boolean running;
    private Thread worker;

    public InventoryReporter(ChunkStore store, NodeIdentity identity, NodeKey key, NodeCredentials credentials,
            PeerConfig config, ObjectMapper json) {
        this.store = store;
        this.identity = identity;
        this.key = key;
        this.credentials = credentials;
        this.config = config;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .sslContext(new OutboundTls(config.tlsCa()).sslContext()).build();
    }

    void start(@Observes StartupEvent startup) {
        if (!config.inventory().enabled() || !config.membership().enabled()) {
            return;
        }
        running = true;
        worker = Thread.ofPlatform().name("inventory-reporter").daemon().priority(Thread.MIN_PRIORITY).start(this::run);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        running = false;
        if (worker != null) {
            worker.interrupt();
        }
    }

    /** Complete passes so far. */
    public long passes() {
        return passes.get();
    }

    private void run() {
        while (running) {
            String nodeId = identity.nodeId().orElse(null);
            if (nodeId != null) {
                try {
                    if (pass(nodeId)) {
                        passes.incrementAndGet();
                    }
                } catch (RuntimeException e) {
                    Log.warnf("Inventory report failed: %s", e.getMessage());
                }
            }
            LockSupport.parkNanos((nodeId == null ? Duration.ofSeconds(1) : config.inventory().interval()).toNanos());
        }
    }

    /** Reports the whole inventory; false when a page was refused or not delivered. */
    boolean pass(String nodeId) {
        String after = null;
        while (running) {
            List<ChunkStore.Entry> page = store.page(after, InventoryReports.MAX_CHUNKS);
            boolean last = page.size() < InventoryReports.MAX_CHUNKS;
            List<InventoryReports.Entry> entries = new ArrayList<>(page.size());
            for (ChunkStore.Entry entry : page) {
                long writtenAt = store.writtenAt(new ChunkId(entry.chunkId())).map(Instant::getEpochSecond).orElse(0L);
                entries.add(new InventoryReports.Entry(entry.chunkId(), entry.size(), writtenAt));
            }
            String report = key.inventoryReport(new InventoryReports.Report(nodeId, after, last,
                    Instant.now().getEpochSecond(), entries));
            if (!send(nodeId, report)) {
                return false;
            }
            if (last) {
                return true;
            }
            after = page.get(page.size() - 1).chunkId();
        }
        return false;
    }

    private boolean send(String nodeId, String report) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(config.metadataUrl() + "/api/v1/nodes/" + nodeId
                    + "/inventory")).timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                    .header("Authorization", credentials.authorization())
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of("report", report))))
                    .build();
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 401) {
                credentials.invalidate();
            }
            if (answer.statusCode() != 200) {
                Log.warnf("The metadata service answered %d to an inventory report: %s", answer.statusCode(),
                        answer.body().length() > 300 ? answer.body().substring(0, 300) : answer.body());
                return false;
            }
            return true;
        } catch (IOException e) {
            Log.infof("Inventory report not delivered: %s", e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
