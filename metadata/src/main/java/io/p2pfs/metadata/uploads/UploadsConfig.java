package io.p2pfs.metadata.uploads;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Upload sessions: {@code p2pfs.uploads}. */
public final class UploadsConfig {

    private UploadsConfig() {
    }

    @ConfigMapping(prefix = "p2pfs.uploads")
    public interface Sessions {
        /** How long a session may stay open before it can no longer be committed. */
        @WithDefault("1h")
        Duration sessionLifetime();

        /** Chunks one placement request may ask about. */
        @WithDefault("256")
        int maxChunksPerPlacement();

        /** Chunks one commit may name (bounds the commit's body: about 170 bytes each). */
        @WithDefault("65536")
        int maxManifestChunks();

        /** How far a receipt's issue time may lie before the session's start or after now (clock skew). */
        @WithDefault("5m")
        Duration receiptClockSkew();

        /**
         * Files up to this size are kept inline: sealed in their version's database row, written
         * in one transaction with no peer involved (0: never). Their durability is the database's.
         */
        @WithDefault("4K")
        io.quarkus.runtime.configuration.MemorySize inlineMaxSize();
    }
}
