package io.p2pfs.metadata.locks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LockTokensTests {

    @Test
    void tokensAreRandomAndOnlyTheirHashIsComparable() {
        String a = LockTokens.newToken();
        String b = LockTokens.newToken();
        assertNotEquals(a, b);
        assertEquals(43, a.length());
        assertArrayEquals(LockTokens.hash(a), LockTokens.hash(a));
        assertFalse(java.util.Arrays.equals(LockTokens.hash(a), LockTokens.hash(b)));
    }

    @Test
    void theHeaderMayCarrySeveralTokensBareOrInAngleBrackets() {
        assertEquals(List.of("t1", "t2", "t3"), List.copyOf(LockTokens.parse("t1, <t2>,< t3 >,, ")));
        assertEquals(Set.of(), LockTokens.parse(null));
        assertEquals(Set.of(), LockTokens.parse("  "));
    }

    @Test
    void onlySharedIsCompatibleWithShared() {
        assertTrue(LockMode.SHARED.compatibleWith(LockMode.SHARED));
        assertFalse(LockMode.SHARED.compatibleWith(LockMode.EXCLUSIVE));
        assertFalse(LockMode.EXCLUSIVE.compatibleWith(LockMode.SHARED));
        assertFalse(LockMode.EXCLUSIVE.compatibleWith(LockMode.EXCLUSIVE));
    }

    @Test
    void aLeaseIsHeldOnlyByItsOwnerPresentingItsToken() {
        String token = LockTokens.newToken();
        Lease lease = new Lease();
        lease.ownerId = "dora";
        lease.tokenHash = LockTokens.hash(token);
        assertTrue(lease.heldBy("dora", List.of(LockTokens.hash("other"), LockTokens.hash(token))));
        assertFalse(lease.heldBy("dora", List.of()));
        assertFalse(lease.heldBy("eve", List.of(LockTokens.hash(token))));
        assertEquals("/1/7/42/", Lease.entryPath(List.of(1L, 7L, 42L)));
    }
}
