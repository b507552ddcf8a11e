package io.p2pfs.metadata.core;

import io.p2pfs.client.chunks.ChunkCipher;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** FastCDC chunk sizes every writer uses: {@code p2pfs.chunking}. */
@ConfigMapping(prefix = "p2pfs.chunking")
public interface ChunkingConfig {

    @WithDefault("256K")
    MemorySize minSize();

    /** A power of two. */
    @WithDefault("1M")
    MemorySize avgSize();

    @WithDefault("4M")
    MemorySize maxSize();

    /** The largest ciphertext a chunk can have (its plaintext and the GCM tag). */
    default int maxCipherSize() {
        return (int) maxSize().asLongValue() + ChunkCipher.TAG_BYTES;
    }
}
