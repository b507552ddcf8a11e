package io.p2pfs.metadata.datapath;

import io.netty.buffer.Unpooled;
import io.p2pfs.common.chunks.ChunkTokens;
import io.p2pfs.common.reactive.EventLoopCall;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Chunk transfers to and from peer agents over HTTP(S), each authorized by a chunk token. Runs
 * on Vert.x's event loops with pooled keep-alive connections: a chunk goes out as one buffer,
 * which TLS cuts into records and writes in few large writes, so neither side wakes up per
 * record (the JDK client it replaced handed every 16 KiB record between its own threads and
 * cost the metadata service and the peers more CPU than the chunks' hashing and encryption).
 * Certificates are verified against the configured CA, host names included; there is no
 * trust-all mode.
 */
@ApplicationScoped
public class PeerClient {

    private final Vertx vertx;
    private final HttpClient http;
    private final Duration timeout;

    public PeerClient(Vertx vertx, DataPathConfig.Placement placement, DataPathConfig.Tls tls) {
        this.vertx = vertx;
        this.timeout = placement.peerTimeout();
        HttpClientOptions options = new HttpClientOptions().setConnectTimeout(5_000).setKeepAlive(true)
                .setMaxPoolSize(32).setVerifyHost(true).setIdleTimeout(60).setIdleTimeoutUnit(TimeUnit.SECONDS);
        tls.ca().filter(path -> !path.isBlank()).ifPresent(ca -> options.setTrustOptions(
                new PemTrustOptions().addCertPath(ca)));
        this.http = vertx.createHttpClient(options);
    }

    /** A peer refused or failed the transfer. */
    public static final class PeerFailure extends Exception {
        public PeerFailure(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * PUTs a chunk without holding a thread while it runs, so one chunk's replicas are written
     * at the same time. Completes normally when stored, exceptionally with a {@link PeerFailure}.
     */
    public CompletableFuture<Void> putAsync(String baseUrl, String chunkId, String token, byte[] body, int length) {
        String what = "PUT " + chunkId + " at " + baseUrl;
        Buffer content = Buffer.buffer(Unpooled.wrappedBuffer(body, 0, length));
        return EventLoopCall.run(vertx, () -> http.request(request(HttpMethod.PUT, baseUrl, chunkId, token)
                .putHeader("Content-Type", "application/octet-stream"))
                .compose(request -> request.send(content))
                .compose(response -> response.body().map(ignored -> response.statusCode())))
                .handle((status, failure) -> {
                    if (failure != null) {
                        throw new CompletionException(new PeerFailure(what + " failed: " + describe(failure)));
                    }
                    if (status != 200 && status != 201) {
                        throw new CompletionException(new PeerFailure(what + " answered " + status));
                    }
                    return null;
                });
    }

    /** The chunk's bytes as the peer holds them; blocks the calling (worker) thread. */
    public byte[] get(String baseUrl, String chunkId, String token) throws PeerFailure {
        String what = "GET " + chunkId + " at " + baseUrl;
        CompletableFuture<byte[]> body = EventLoopCall.run(vertx, () -> http.request(request(HttpMethod.GET, baseUrl, chunkId,
                token))
                .compose(HttpClientRequest::send)
                .compose(response -> response.statusCode() == 200
                        ? response.body().map(Buffer::getBytes)
                        : response.body().transform(ignored -> Future.failedFuture(
                                new PeerFailure(what + " answered " + response.statusCode())))));
        try {
            return body.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PeerFailure failure) {
                throw failure;
            }
            throw new PeerFailure(what + " failed: " + describe(e.getCause()));
        } catch (TimeoutException e) {
            body.cancel(true);
            throw new PeerFailure(what + " timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerFailure("interrupted");
        }
    }

    private RequestOptions request(HttpMethod method, String baseUrl, String chunkId, String token) {
        return new RequestOptions().setMethod(method).setAbsoluteURI(chunkUri(baseUrl, chunkId))
                .putHeader(ChunkTokens.HEADER, token).setIdleTimeout(timeout.toMillis());
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    void close(@Observes ShutdownEvent shutdown) {
        http.close();
    }

    private static String chunkUri(String baseUrl, String chunkId) {
        return baseUrl + "/chunks/" + chunkId;
    }
}
