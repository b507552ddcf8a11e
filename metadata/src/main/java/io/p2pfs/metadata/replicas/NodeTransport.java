package io.p2pfs.metadata.replicas;

import io.p2pfs.client.http.HttpClients;
import io.p2pfs.client.http.VertxChunkTransport;
import io.p2pfs.client.transfer.ChunkTransport;
import io.p2pfs.metadata.core.TlsConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;

/**
 * This service's connection to the storage nodes: the client library's Vert.x transport on the
 * service's own event loops, trusting the configured CA (host names verified). The gateway's
 * transfers and the replica checks use it.
 */
@ApplicationScoped
public class NodeTransport {

    private final VertxChunkTransport transport;

    public NodeTransport(Vertx vertx, PlacementConfig placement, TlsConfig tls) {
        Path ca = tls.ca().filter(path -> !path.isBlank()).map(Path::of).orElse(null);
        this.transport = new VertxChunkTransport(vertx, HttpClients.forNodes(vertx, ca, 32), placement.peerTimeout());
    }

    public ChunkTransport transport() {
        return transport;
    }

    void close(@Observes ShutdownEvent shutdown) {
        transport.close();
    }
}
