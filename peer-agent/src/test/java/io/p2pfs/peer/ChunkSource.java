package io.p2pfs.peer;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A peer holding chunks that another peer pulls from: serves {@code GET /chunks/<id>} over real
 * HTTP to a caller presenting the read token it was told to expect, and counts the requests.
 */
public final class ChunkSource implements AutoCloseable {

    private record Held(byte[] body, String readToken) {
    }

    private final HttpServer server;
    private final Map<String, Held> chunks = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    public ChunkSource() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/chunks/", exchange -> {
            String chunkId = exchange.getRequestURI().getPath().substring("/chunks/".length());
            requests.computeIfAbsent(chunkId, id -> new AtomicInteger()).incrementAndGet();
            Held held = chunks.get(chunkId);
            String token = exchange.getRequestHeaders().getFirst("Chunk-Token");
            int status = held == null ? 404 : held.readToken().equals(token) ? 200 : 403;
            if (status != 200) {
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, held.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(held.body());
            }
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void hold(String chunkId, byte[] body, String readToken) {
        chunks.put(chunkId, new Held(body, readToken));
    }

    public int requests(String chunkId) {
        AtomicInteger count = requests.get(chunkId);
        return count == null ? 0 : count.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
