package io.p2pfs.metadata.datapath;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "p2pfs")
public interface DataPathConfig {

    Chunking chunking();

    PlacementSettings placement();

    Tls tls();

    interface Chunking {
        @WithDefault("262144")
        @WithName("min-size")
        io.quarkus.runtime.configuration.MemorySize minSize();

        @WithDefault("1048576")
        @WithName("avg-size")
        io.quarkus.runtime.configuration.MemorySize avgSize();

        @WithDefault("4194304")
        @WithName("max-size")
        io.quarkus.runtime.configuration.MemorySize maxSize();
    }

    interface PlacementSettings {
        /** Default replication factor R (a directory policy may override it). */
        @WithDefault("3")
        int replicationFactor();

        /** Chunks an upload or download may have in flight at once (memory bound). */
        @WithDefault("4")
        int chunksInFlight();

        @WithDefault("30s")
        Duration peerTimeout();
    }

    interface Tls {
        /** PEM file with the CA that signed the peers' certificates; empty: the JVM's trust store. */
        Optional<String> ca();
    }
}
