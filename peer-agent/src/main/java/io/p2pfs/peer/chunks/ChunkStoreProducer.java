package io.p2pfs.peer.chunks;

import io.p2pfs.peer.PeerConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Opens the chunk store at start-up: leftover temporary files removed, inventory counted. */
public class ChunkStoreProducer {

    @Produces
    @Singleton
    @Startup
    ChunkStore chunkStore(PeerConfig config) {
        ChunkStore store = new ChunkStore(config.dataDir(), config.capacityBytes(), config.chunks().maxBytes(),
                config.chunks().fsync());
        try {
            int leftovers = store.open();
            Log.infof("Chunk store at %s: %d chunks, %d bytes used of %d; %d leftover temporary files removed",
                    config.dataDir(), store.chunkCount(), store.usedBytes(), store.capacityBytes(), leftovers);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the chunk store at " + config.dataDir(), e);
        }
        if (!config.chunks().fsync()) {
            Log.warn("fsync is off: a power loss can lose acknowledged chunks");
        }
        return store;
    }
}
