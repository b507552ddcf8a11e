package io.p2pfs.peer.placement;

import io.p2pfs.common.chunks.ChunkId;
import io.p2pfs.common.chunks.ChunkTokens;
import io.p2pfs.client.http.EventLoopCall;
import io.p2pfs.peer.PeerConfig;
import io.p2pfs.peer.chunks.ChunkStore;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches a chunk from the node that holds it ({@code GET <source>/chunks/<id>} with the read
 * token metadata issued for that node) and hands it to the local store, which verifies the hash
 * as it writes. The body, announced at one chunk or less, is gathered on Vert.x's event loop, so
 * the calling thread takes it in one piece. Blocking for the caller.
 */
@ApplicationScoped
public class ChunkPuller {

    /** The source answered but did not give the chunk (status in the message). */
    public static class SourceRefused extends IOException {
        public SourceRefused(String message) {
            super(message);
        }
    }

    private final Vertx vertx;
    private final HttpClient http;
    private final ChunkStore store;
    private final Duration timeout;

    public ChunkPuller(Vertx vertx, PeerConfig config, ChunkStore store) {
        this.vertx = vertx;
        this.store = store;
        this.timeout = config.placement().pullTimeout();
        HttpClientOptions options = new HttpClientOptions().setConnectTimeout(5_000).setKeepAlive(true)
                .setMaxPoolSize(8).setVerifyHost(true).setIdleTimeout(60).setIdleTimeoutUnit(TimeUnit.SECONDS);
        config.tlsCa().ifPresent(ca -> options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
        this.http = vertx.createHttpClient(options);
    }

    public ChunkStore.Outcome pull(ChunkId chunkId, String sourceUrl, String readToken) throws IOException {
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET)
                .setAbsoluteURI(sourceUrl.replaceAll("/+$", "") + "/chunks/" + chunkId.hex())
                .putHeader(ChunkTokens.HEADER, readToken).setFollowRedirects(false)
                .setIdleTimeout(timeout.toMillis());
        CompletableFuture<Buffer> body = EventLoopCall.run(vertx,
                () -> http.request(request).compose(HttpClientRequest::send).compose(this::chunkOf));
        Buffer chunk;
        try {
            chunk = body.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException failure) {
                throw failure;
            }
            throw new IOException("pull of " + chunkId + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            body.cancel(true);
            throw new IOException("pull of " + chunkId + " timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while pulling " + chunkId, e);
        }
        return store.put(chunkId, chunk.getByteBuf().nioBuffer());
    }

    /**
     * The body of a 200 that announces at most the store's maximum chunk size; anything else
     * fails before the body is read (peers always send {@code Content-Length} with a chunk).
     */
    private Future<Buffer> chunkOf(HttpClientResponse response) {
        if (response.statusCode() != 200) {
            return response.body().transform(ignored -> Future.failedFuture(
                    new SourceRefused("source answered " + response.statusCode())));
        }
        long max = store.maxChunkBytes();
        String declared = response.getHeader("Content-Length");
        if (declared == null || parseLength(declared) > max) {
            response.request().reset();
            return Future.failedFuture(new IOException(declared == null
                    ? "source sent a chunk without Content-Length"
                    : "source announced " + declared.trim() + " bytes, over the maximum chunk size of " + max));
        }
        return response.body();
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    void close(@Observes ShutdownEvent shutdown) {
        http.close();
    }
}
