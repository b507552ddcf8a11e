package io.p2pfs.client.transfer;

import java.time.Duration;

/**
 * How much a transfer may have under way: {@code chunksInFlight} bounds an upload's chunks
 * between the chunker and their last replica write, {@code readsInFlight} a download's chunks
 * between request and output. Each chunk is at most the maximum chunk size twice over
 * (plaintext and ciphertext), so these windows bound a transfer's memory whatever the file size.
 */
public record TransferSettings(int chunksInFlight, int readsInFlight, Duration requestTimeout) {

    public TransferSettings {
        if (chunksInFlight < 1 || readsInFlight < 1) {
            throw new IllegalArgumentException("windows must hold at least one chunk");
        }
    }

    public static TransferSettings defaults() {
        return new TransferSettings(8, 12, Duration.ofSeconds(60));
    }
}
