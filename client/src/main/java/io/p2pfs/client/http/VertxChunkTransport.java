package io.p2pfs.client.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.p2pfs.client.transfer.ChunkTransport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Chunk transfers to and from storage nodes on Vert.x's event loops, with pooled keep-alive
 * connections: a chunk goes out as one buffer (which TLS cuts into records and writes in few
 * large writes) and comes back as one, so no thread wakes up per TLS record. Each request's
 * chain runs on one event loop ({@link EventLoopCall}). A node must announce a chunk's length
 * before sending it: a longer one is refused unread.
 */
public final class VertxChunkTransport implements ChunkTransport {

    private final Vertx vertx;
    private final HttpClient http;
    private final Duration timeout;

    /** {@code http}: a client made with {@link HttpClients#forNodes}; it is closed with this transport. */
    public VertxChunkTransport(Vertx vertx, HttpClient http, Duration timeout) {
        this.vertx = vertx;
        this.http = http;
        this.timeout = timeout;
    }

    @Override
    public CompletableFuture<String> put(String nodeUrl, String chunkId, String writeToken, byte[] cipher) {
        Buffer body = Buffer.buffer(Unpooled.wrappedBuffer(cipher));
        RequestOptions request = request(HttpMethod.PUT, nodeUrl, chunkId, writeToken)
                .putHeader("Content-Type", "application/octet-stream");
        return EventLoopCall.run(vertx, () -> http.request(request)
                .compose(r -> r.send(body))
                .compose(response -> response.body().compose(answer -> {
                    if (response.statusCode() != 201 && response.statusCode() != 200) {
                        return Future.failedFuture(refused(response, answer));
                    }
                    try {
                        JsonNode stored = ServiceHttp.JSON.readTree(answer.getBytes());
                        String receipt = stored.path("receipt").asText(null);
                        if (receipt == null) {
                            return Future.failedFuture(new IOException("node answered without a storage receipt"));
                        }
                        return Future.succeededFuture(receipt);
                    } catch (IOException e) {
                        return Future.failedFuture(new IOException("node answered unreadable JSON"));
                    }
                })));
    }

    @Override
    public CompletableFuture<byte[]> get(String nodeUrl, String chunkId, String readToken, int maxBytes) {
        RequestOptions request = request(HttpMethod.GET, nodeUrl, chunkId, readToken);
        return EventLoopCall.run(vertx, () -> http.request(request)
                .compose(r -> r.send())
                .compose(response -> body(response, maxBytes)));
    }

    private static Future<byte[]> body(HttpClientResponse response, int maxBytes) {
        if (response.statusCode() != 200) {
            return response.body().compose(answer -> Future.failedFuture(refused(response, answer)));
        }
        String declared = response.getHeader("Content-Length");
        long length;
        try {
            length = declared == null ? -1 : Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            length = -1;
        }
        if (length < 0 || length > maxBytes) {
            response.request().reset();
            return Future.failedFuture(new IOException(length < 0 ? "node sent a chunk without Content-Length"
                    : "node announced " + length + " bytes for a chunk of at most " + maxBytes));
        }
        return response.body().map(Buffer::getBytes);
    }

    private static Refused refused(HttpClientResponse response, Buffer answer) {
        String detail = null;
        try {
            detail = ServiceHttp.JSON.readTree(answer.getBytes()).path("detail").asText(null);
        } catch (IOException | RuntimeException notJson) {
            // keep the status alone
        }
        return new Refused(response.statusCode(), "answered " + response.statusCode()
                + (detail == null ? "" : " (" + detail + ")"));
    }

    private RequestOptions request(HttpMethod method, String nodeUrl, String chunkId, String token) {
        String base = nodeUrl.endsWith("/") ? nodeUrl.substring(0, nodeUrl.length() - 1) : nodeUrl;
        return new RequestOptions().setMethod(method).setAbsoluteURI(base + "/chunks/" + chunkId)
                .putHeader("Chunk-Token", token).setFollowRedirects(false).setIdleTimeout(timeout.toMillis());
    }

    @Override
    public void close() {
        http.close();
    }
}
