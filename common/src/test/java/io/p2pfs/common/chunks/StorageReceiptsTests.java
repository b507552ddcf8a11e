package io.p2pfs.common.chunks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class StorageReceiptsTests {

    private static final String CHUNK = "ab".repeat(32);

    static KeyPair p256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    @Test
    void aSignedReceiptVerifiesWithTheNodesKeyAndStatesWhatWasSigned() throws Exception {
        KeyPair node = p256();
        var receipt = new StorageReceipts.Receipt(CHUNK, "node-1", 1_048_592, 1_700_000_000L);
        String jws = StorageReceipts.sign(receipt, node.getPrivate(), "kid-1");
        assertEquals(receipt, StorageReceipts.verify(jws, node.getPublic()));
        assertEquals(receipt, StorageReceipts.claims(jws));
    }

    @Test
    void anotherNodesKeyDoesNotVerifyIt() throws Exception {
        String jws = StorageReceipts.sign(new StorageReceipts.Receipt(CHUNK, "node-1", 10, 1), p256().getPrivate(), "k");
        assertThrows(StorageReceipts.InvalidReceipt.class, () -> StorageReceipts.verify(jws, p256().getPublic()));
    }

    @Test
    void anEditedPayloadNoLongerVerifies() throws Exception {
        KeyPair node = p256();
        String jws = StorageReceipts.sign(new StorageReceipts.Receipt(CHUNK, "node-1", 10, 1), node.getPrivate(), "k");
        String[] parts = jws.split("\\.");
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"chunkId\":\"" + "cd".repeat(32) + "\",\"nodeId\":\"node-1\",\"size\":10,\"iat\":1}")
                        .getBytes(StandardCharsets.UTF_8));
        String edited = parts[0] + "." + forged + "." + parts[2];
        assertEquals("cd".repeat(32), StorageReceipts.claims(edited).chunkId());
        assertThrows(StorageReceipts.InvalidReceipt.class, () -> StorageReceipts.verify(edited, node.getPublic()));
    }

    @Test
    void unsignedOrMalformedReceiptsAreRefused() throws Exception {
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"alg\":\"none\",\"typ\":\"" + StorageReceipts.TYPE + "\"}").getBytes(StandardCharsets.UTF_8));
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"chunkId\":\"" + CHUNK + "\",\"nodeId\":\"n\",\"size\":1,\"iat\":1}").getBytes(StandardCharsets.UTF_8));
        KeyPair node = p256();
        assertThrows(StorageReceipts.InvalidReceipt.class,
                () -> StorageReceipts.verify(header + "." + payload + ".", node.getPublic()));
        assertThrows(StorageReceipts.InvalidReceipt.class, () -> StorageReceipts.claims("not-a-receipt"));
        assertThrows(StorageReceipts.InvalidReceipt.class, () -> StorageReceipts.claims("a.b.c".repeat(1000)));
        assertThrows(StorageReceipts.InvalidReceipt.class, () -> StorageReceipts.claims(null));
    }
}
