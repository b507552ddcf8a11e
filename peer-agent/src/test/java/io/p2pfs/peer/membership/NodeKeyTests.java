package io.p2pfs.peer.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.p2pfs.common.chunks.StorageReceipts;
import io.p2pfs.common.keys.EcJwk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeKeyTests {

    @TempDir
    Path dataDir;

    @Test
    void theKeyIsMadeOnceKeptPrivateToItsOwnerAndReusedAfterARestart() throws Exception {
        NodeKey first = new NodeKey(dataDir);
        Path file = dataDir.resolve(NodeKey.FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        NodeKey again = new NodeKey(dataDir);
        assertEquals(first.keyId(), again.keyId());
        assertEquals(first.publicJwk(), again.publicJwk());
        assertNotEquals(first.keyId(), new NodeKey(Files.createDirectory(dataDir.resolve("other"))).keyId());
    }

    @Test
    void receiptsVerifyWithThePublishedKeyOnly() throws Exception {
        NodeKey key = new NodeKey(dataDir);
        String chunk = "0f".repeat(32);
        String receipt = key.receipt(chunk, "node-7", 1234);
        StorageReceipts.Receipt claims = StorageReceipts.verify(receipt, EcJwk.parse(key.publicJwk()));
        assertEquals(chunk, claims.chunkId());
        assertEquals("node-7", claims.nodeId());
        assertEquals(1234, claims.size());
        NodeKey stranger = new NodeKey(Files.createDirectory(dataDir.resolve("stranger")));
        assertThrows(StorageReceipts.InvalidReceipt.class,
                () -> StorageReceipts.verify(receipt, EcJwk.parse(stranger.publicJwk())));
    }
}
