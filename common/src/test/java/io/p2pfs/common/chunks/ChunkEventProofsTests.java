package io.p2pfs.common.chunks;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.KeyPair;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ChunkEventProofsTests {

    private static final String CHUNK = "ab".repeat(32);

    @Test
    void aProofVerifiesOnlyForTheEventItStatesAndTheKeyThatSignedIt() throws Exception {
        KeyPair node = StorageReceiptsTests.p256();
        String proof = ChunkEventProofs.sign("chunk.stored", CHUNK, "node-1", Instant.now(), node.getPrivate(), "k");
        assertDoesNotThrow(() -> ChunkEventProofs.verify(proof, "chunk.stored", CHUNK, "node-1", node.getPublic()));
        // The same proof does not cover another type, chunk or node.
        assertThrows(ChunkEventProofs.InvalidProof.class,
                () -> ChunkEventProofs.verify(proof, "chunk.deleted", CHUNK, "node-1", node.getPublic()));
        assertThrows(ChunkEventProofs.InvalidProof.class,
                () -> ChunkEventProofs.verify(proof, "chunk.stored", "cd".repeat(32), "node-1", node.getPublic()));
        assertThrows(ChunkEventProofs.InvalidProof.class,
                () -> ChunkEventProofs.verify(proof, "chunk.stored", CHUNK, "node-2", node.getPublic()));
        // Another node's key does not verify it, and no key verifies nothing.
        assertThrows(ChunkEventProofs.InvalidProof.class, () -> ChunkEventProofs.verify(proof, "chunk.stored", CHUNK,
                "node-1", StorageReceiptsTests.p256().getPublic()));
        assertThrows(ChunkEventProofs.InvalidProof.class,
                () -> ChunkEventProofs.verify(proof, "chunk.stored", CHUNK, "node-1", null));
    }

    @Test
    void otherSignedThingsOfTheNodeAreNoChunkEventProof() throws Exception {
        KeyPair node = StorageReceiptsTests.p256();
        String receipt = StorageReceipts.sign(new StorageReceipts.Receipt(CHUNK, "node-1", 10, 1), node.getPrivate(),
                "k");
        assertThrows(ChunkEventProofs.InvalidProof.class,
                () -> ChunkEventProofs.verify(receipt, "chunk.stored", CHUNK, "node-1", node.getPublic()));
        assertThrows(ChunkEventProofs.InvalidProof.class,
                () -> ChunkEventProofs.verify(null, "chunk.stored", CHUNK, "node-1", node.getPublic()));
        assertThrows(ChunkEventProofs.InvalidProof.class,
                () -> ChunkEventProofs.verify("x".repeat(5000), "chunk.stored", CHUNK, "node-1", node.getPublic()));
    }
}
