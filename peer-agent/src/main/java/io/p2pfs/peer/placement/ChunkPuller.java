package io.p2pfs.peer.placement;

import io.p2pfs.common.chunks.ChunkId;
import io.p2pfs.common.chunks.ChunkTokens;
import io.p2pfs.peer.OutboundTls;
import io.p2pfs.peer.PeerConfig;
import io.p2pfs.peer.chunks.ChunkStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Fetches a chunk from the node that holds it ({@code GET <source>/chunks/<id>} with the read
 * token metadata issued for that node) and streams it into the local store, which verifies the
 * hash as it writes. Blocking.
 */
@ApplicationScoped
public class ChunkPuller {

    /** The source answered but did not give the chunk (status in the message). */
    public static class SourceRefused extends IOException {
        public SourceRefused(String message) {
            super(message);
        }
    }

    private final HttpClient http;
    private final ChunkStore store;
    private final Duration timeout;

    public ChunkPuller(PeerConfig config, ChunkStore store) {
        this.store = store;
        this.timeout = config.placement().pullTimeout();
        this.http = HttpClient.newBuilder().sslContext(new OutboundTls(config.tlsCa()).sslContext())
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public ChunkStore.Outcome pull(ChunkId chunkId, String sourceUrl, String readToken) throws IOException {
        URI uri = URI.create(sourceUrl.replaceAll("/+$", "") + "/chunks/" + chunkId.hex());
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header(ChunkTokens.HEADER, readToken)
                .GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while pulling " + chunkId, e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new SourceRefused("source answered " + response.statusCode());
            }
            long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            return store.put(chunkId, body, length);
        }
    }
}
