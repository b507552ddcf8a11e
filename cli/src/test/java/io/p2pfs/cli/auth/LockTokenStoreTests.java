package io.p2pfs.cli.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockTokenStoreTests {

    @TempDir
    Path folder;

    @Test
    void tokensAreFoundForThePathItsAncestorsAndItsDescendantsOnly() {
        LockTokenStore store = new LockTokenStore(folder.resolve("locks/default.json"));
        Instant later = Instant.now().plusSeconds(600);
        store.put("/alice/reports", new LockTokenStore.Held("dir", "EXCLUSIVE", later));
        store.put("/alice/other.txt", new LockTokenStore.Held("file", "EXCLUSIVE", later));
        assertEquals(Set.of("dir"), store.tokensFor("/alice/reports/q1.pdf"));
        assertEquals(Set.of("dir"), store.tokensFor("/alice/reports"));
        assertEquals(Set.of("dir", "file"), store.tokensFor("/alice"));
        assertEquals(Set.of(), store.tokensFor("/alice/reports-2026"));
        assertEquals(Set.of("file"), store.tokensFor("/bob", "/alice/other.txt"));
    }

    @Test
    void expiredLocksAreForgottenAndTheFileIsPrivate() throws Exception {
        Path file = folder.resolve("locks/default.json");
        LockTokenStore store = new LockTokenStore(file);
        store.put("/a", new LockTokenStore.Held("gone", "SHARED", Instant.now().minusSeconds(1)));
        store.put("/b", new LockTokenStore.Held("kept", "SHARED", Instant.now().plusSeconds(60)));
        assertEquals(Set.of("/b"), store.all().keySet());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("kept", store.remove("/b").token());
        assertNull(store.remove("/b"));
        assertTrue(store.all().isEmpty());
    }
}
