package io.p2pfs.metadata.datapath;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Settings of the data path: chunk sizes ({@code p2pfs.chunking}), placement, peer TLS. */
public final class DataPathConfig {

    private DataPathConfig() {
    }

    @ConfigMapping(prefix = "p2pfs.chunking")
    public interface Chunking {
        @WithDefault("256K")
        MemorySize minSize();

        /** A power of two. */
        @WithDefault("1M")
        MemorySize avgSize();

        @WithDefault("4M")
        MemorySize maxSize();
    }

    @ConfigMapping(prefix = "p2pfs.placement")
    public interface Placement {
        /** Default replication factor R (a directory policy may override it). */
        @WithDefault("3")
        int replicationFactor();

        /** Chunks an upload or download may have in flight at once (memory bound). */
        @WithDefault("4")
        int chunksInFlight();

        @WithDefault("30s")
        Duration peerTimeout();
    }

    @ConfigMapping(prefix = "p2pfs.tls")
    public interface Tls {
        /** PEM file with the CA that signed the peers' certificates; empty: the JVM's trust store. */
        Optional<String> ca();
    }
}
