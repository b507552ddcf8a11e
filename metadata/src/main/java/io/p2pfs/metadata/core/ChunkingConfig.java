package io.p2pfs.metadata.core;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** FastCDC chunk sizes every writer uses: {@code p2pfs.chunking}. */
@ConfigMapping(prefix = "p2pfs.chunking")
public interface ChunkingConfig {

    /** AES-GCM's tag: a chunk's ciphertext is its plaintext plus these bytes. */
    int TAG_BYTES = 16;

    @WithDefault("256K")
    MemorySize minSize();

    /** A power of two. */
    @WithDefault("1M")
    MemorySize avgSize();

    @WithDefault("4M")
    MemorySize maxSize();

    /** The largest ciphertext a chunk can have. */
    default int maxCipherSize() {
        return (int) maxSize().asLongValue() + TAG_BYTES;
    }
}
