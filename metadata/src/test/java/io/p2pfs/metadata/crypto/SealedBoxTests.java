package io.p2pfs.metadata.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SealedBoxTests {

    static final SecretKeySpec KEY = new SecretKeySpec(new byte[32], "AES");
    static final SecretKeySpec OTHER = new SecretKeySpec("another key of thirty-two bytes!".getBytes(StandardCharsets.US_ASCII), "AES");

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSealedValueOpensOnlyWithItsKeyAndItsAssociatedData() {
        byte[] sealed = SealedBox.seal(KEY, utf8("report.pdf"), SealedBox.longBytes(7));
        assertArrayEquals(utf8("report.pdf"), SealedBox.open(KEY, sealed, SealedBox.longBytes(7)));
        assertThrows(IllegalStateException.class, () -> SealedBox.open(KEY, sealed, SealedBox.longBytes(8)));
        assertThrows(IllegalStateException.class, () -> SealedBox.open(OTHER, sealed, SealedBox.longBytes(7)));
        byte[] tampered = sealed.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThrows(IllegalStateException.class, () -> SealedBox.open(KEY, tampered, SealedBox.longBytes(7)));
    }

    @Test
    void aRefusedValueLeavesTheThreadsCipherUsable() {
        byte[] sealed = SealedBox.seal(KEY, utf8("a"), SealedBox.longBytes(1));
        byte[] tampered = sealed.clone();
        tampered[14] ^= 1;
        for (int i = 0; i < 3; i++) {
            assertThrows(IllegalStateException.class, () -> SealedBox.open(KEY, tampered, SealedBox.longBytes(1)));
            assertArrayEquals(utf8("a"), SealedBox.open(KEY, sealed, SealedBox.longBytes(1)));
            byte[] again = SealedBox.seal(OTHER, utf8("b"), SealedBox.longBytes(2));
            assertArrayEquals(utf8("b"), SealedBox.open(OTHER, again, SealedBox.longBytes(2)));
        }
    }

    @Test
    void sealingTheSameValueTwiceGivesDifferentCiphertexts() {
        byte[] one = SealedBox.seal(KEY, utf8("same"), SealedBox.longBytes(1));
        byte[] two = SealedBox.seal(KEY, utf8("same"), SealedBox.longBytes(1));
        assertFalse(Arrays.equals(one, two), "a fresh nonce for every value");
        assertEquals(12 + 4 + 16, one.length);
    }

    @Test
    void threadsSealingAndOpeningAtOnceEachGetTheirOwnValues() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        byte[] plain = utf8("name-" + thread + "-" + i);
                        SecretKeySpec key = i % 2 == 0 ? KEY : OTHER;
                        byte[] sealed = SealedBox.seal(key, plain, SealedBox.longBytes(i));
                        if (!Arrays.equals(plain, SealedBox.open(key, sealed, SealedBox.longBytes(i)))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertEquals(true, result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
