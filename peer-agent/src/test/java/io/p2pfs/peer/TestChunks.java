package io.p2pfs.peer;

import io.p2pfs.common.chunks.ChunkId;
import io.p2pfs.peer.membership.NodeIdentity;
import io.p2pfs.testing.TestChunkTokens;
import io.quarkus.arc.Arc;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;

/** Chunk bodies, their ids, and tokens for the peer under test. */
public final class TestChunks {

    private TestChunks() {
    }

    public static byte[] random(int size) {
        byte[] bytes = new byte[size];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    public static String id(byte[] body) {
        try {
            return ChunkId.of(MessageDigest.getInstance("SHA-256").digest(body)).hex();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The node id the peer under test registered as (waits for the registration). */
    public static String nodeId() {
        NodeIdentity identity = Arc.container().instance(NodeIdentity.class).get();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> identity.nodeId().isPresent());
        return identity.require();
    }

    public static String token(String chunkId, String op) {
        return TestChunkTokens.shared().token(chunkId, op, nodeId()).sign();
    }

    public static Path dataDir() {
        return Path.of(ConfigProvider.getConfig().getValue("p2pfs.peer.data-dir", String.class));
    }

    public static Path fileOf(String chunkId) {
        return dataDir().resolve("chunks").resolve(chunkId.substring(0, 2)).resolve(chunkId.substring(2, 4))
                .resolve(chunkId);
    }
}
