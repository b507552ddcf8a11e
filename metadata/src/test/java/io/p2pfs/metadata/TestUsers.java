package io.p2pfs.metadata;

import io.p2pfs.testing.TestTokens;
import java.time.Instant;

/**
 * Tokens of the people in the lock, conflict and policy tests. Until per-path ACLs land only an
 * entry's owner or an admin may write it, so the "other writer" of those tests is an admin.
 */
final class TestUsers {

    static final String OWNER = "lena";
    static final String OTHER = "otto-admin";
    static final String OWNER_TOKEN = TestTokens.user(OWNER).claim("exp", expiry()).sign();
    static final String OTHER_TOKEN = TestTokens.user(OTHER).roles("user", "admin").claim("exp", expiry()).sign();
    /** A plain user who owns nothing of the tests' files. */
    static final String STRANGER_TOKEN = TestTokens.user("sam").claim("exp", expiry()).sign();

    private TestUsers() {
    }

    private static long expiry() {
        return Instant.now().plusSeconds(3 * 3600).getEpochSecond();
    }
}
