package io.p2pfs.metadata.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class KeyRingTests {

    private static byte[] filled(int value) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) value);
        return key;
    }

    @Test
    void sealedValuesAreBoundToTheirPlace() {
        SecretKeySpec key = new SecretKeySpec(filled(3), "AES");
        byte[] sealed = SealedBox.seal(key, "report.pdf".getBytes(StandardCharsets.UTF_8), SealedBox.longBytes(42));
        assertEquals("report.pdf", new String(SealedBox.open(key, sealed, SealedBox.longBytes(42)),
                StandardCharsets.UTF_8));
        assertThrows(IllegalStateException.class, () -> SealedBox.open(key, sealed, SealedBox.longBytes(43)));
    }

    @Test
    void derivedKeysDifferPerLabel() {
        byte[] master = filled(9);
        assertFalse(Arrays.equals(KeyRing.derive(master, "names"), KeyRing.derive(master, "manifests")));
        assertArrayEquals(KeyRing.derive(master, "names"), KeyRing.derive(master.clone(), "names"));
    }
}
