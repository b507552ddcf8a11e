package io.p2pfs.client.chunks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ChunkCipherTests {

    private static final SecretKeySpec CONVERGENCE = new SecretKeySpec(new byte[32], "HmacSHA256");
    private static final SecretKeySpec OTHER = new SecretKeySpec(filled(7), "HmacSHA256");

    private static byte[] filled(int value) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) value);
        return key;
    }

    private static byte[] random(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    @Test
    void roundTripAndIdIsTheHashOfTheCiphertext() throws Exception {
        byte[] plain = random(1_000_003);
        ChunkCipher.Sealed sealed = ChunkCipher.encrypt(CONVERGENCE, plain, plain.length);
        assertEquals(plain.length + ChunkCipher.TAG_BYTES, sealed.cipher().length);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(sealed.cipher()), sealed.chunkId());
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(plain), sealed.plainHash());
        assertArrayEquals(plain, ChunkCipher.decrypt(sealed.key(), sealed.cipher(), 0, sealed.cipher().length));
    }

    @Test
    void samePlaintextGivesTheSameChunkIdOnlyUnderTheSameConvergenceKey() {
        byte[] plain = random(300_000);
        byte[] first = ChunkCipher.encrypt(CONVERGENCE, plain, plain.length).chunkId();
        byte[] again = ChunkCipher.encrypt(CONVERGENCE, plain.clone(), plain.length).chunkId();
        byte[] otherKey = ChunkCipher.encrypt(OTHER, plain, plain.length).chunkId();
        assertArrayEquals(first, again);
        assertFalse(Arrays.equals(first, otherKey));
    }

    @Test
    void aFlippedByteFailsAuthentication() {
        byte[] plain = random(70_000);
        ChunkCipher.Sealed sealed = ChunkCipher.encrypt(CONVERGENCE, plain, plain.length);
        byte[] tampered = sealed.cipher().clone();
        tampered[12_345] ^= 1;
        assertThrows(ChunkCipher.BadChunk.class, () -> ChunkCipher.decrypt(sealed.key(), tampered, 0, tampered.length));
    }

    @Test
    void ciphertextHidesAMarkerString() {
        byte[] plain = ("p2pfs-marker-" + "x".repeat(1000)).repeat(300).getBytes(StandardCharsets.UTF_8);
        ChunkCipher.Sealed sealed = ChunkCipher.encrypt(CONVERGENCE, plain, plain.length);
        String cipherHex = HexFormat.of().formatHex(sealed.cipher());
        String markerHex = HexFormat.of().formatHex("p2pfs-marker".getBytes(StandardCharsets.UTF_8));
        assertFalse(cipherHex.contains(markerHex));
        assertNotEquals(0, sealed.cipher().length);
    }
}
