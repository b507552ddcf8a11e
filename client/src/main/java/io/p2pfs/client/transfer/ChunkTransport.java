package io.p2pfs.client.transfer;

import java.util.concurrent.CompletableFuture;

/**
 * Chunk bodies to and from storage nodes, without holding a thread while a transfer runs.
 * Futures fail with {@link ChunkTransport.Refused} when the node answered with an error status
 * and with another exception when it could not be reached or the body broke off.
 */
public interface ChunkTransport extends AutoCloseable {

    /** PUTs {@code cipher} as {@code chunkId}; completes with the node's storage receipt. */
    CompletableFuture<String> put(String nodeUrl, String chunkId, String writeToken, byte[] cipher);

    /** GETs the chunk as the node holds it (at most {@code maxBytes}, else the future fails). */
    CompletableFuture<byte[]> get(String nodeUrl, String chunkId, String readToken, int maxBytes);

    @Override
    void close();

    /** A node answered a chunk request with an error status. */
    final class Refused extends Exception {
        private final int status;

        public Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
