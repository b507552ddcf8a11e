package io.p2pfs.client.transfer;

import java.time.Duration;

/**
 * How much a transfer may have under way: {@code chunksInFlight} bounds an upload's chunks
 * between the chunker and their last replica write, {@code readsInFlight} a download's chunks
 * between request and output. Each chunk is at most the maximum chunk size twice over
 * (plaintext and ciphertext), so these windows bound a transfer's memory whatever the file size.
 * Content of at most {@code smallFileBytes} goes to the control plane in one call instead
 * ({@link ControlPlane#small}; 0: never): for a small file, the calls of a session and the
 * replica writes cost far more than its bytes.
 */
public record TransferSettings(int chunksInFlight, int readsInFlight, Duration requestTimeout, int smallFileBytes) {

    /** What a client sends in one call by default: 64 KiB. */
    public static final int SMALL_FILE_BYTES = 64 * 1024;

    public TransferSettings {
        if (chunksInFlight < 1 || readsInFlight < 1) {
            throw new IllegalArgumentException("windows must hold at least one chunk");
        }
        if (smallFileBytes < 0) {
            throw new IllegalArgumentException("smallFileBytes must not be negative");
        }
    }

    public TransferSettings(int chunksInFlight, int readsInFlight, Duration requestTimeout) {
        this(chunksInFlight, readsInFlight, requestTimeout, SMALL_FILE_BYTES);
    }

    public static TransferSettings defaults() {
        return new TransferSettings(8, 12, Duration.ofSeconds(60), SMALL_FILE_BYTES);
    }

    /** The same, with content of at most {@code bytes} sent in one call (0: every upload runs the chunk pipeline). */
    public TransferSettings withSmallFileBytes(int bytes) {
        return new TransferSettings(chunksInFlight, readsInFlight, requestTimeout, bytes);
    }
}
