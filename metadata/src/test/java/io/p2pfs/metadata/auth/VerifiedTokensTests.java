package io.p2pfs.metadata.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class VerifiedTokensTests {

    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T10:00:00Z"));

    VerifiedTokens<String> tokens(int max, Duration maxAge) {
        return new VerifiedTokens<>(max, maxAge, now::get);
    }

    void advance(Duration by) {
        now.set(now.get().plus(by));
    }

    @Test
    void aKeptTokenIsAnsweredUntilItExpiresAndNotAfter() {
        VerifiedTokens<String> tokens = tokens(10, Duration.ofMinutes(5));
        assertTrue(tokens.keep("a.b.c", now.get().plusSeconds(60), "alice"));
        assertEquals(Optional.of("alice"), tokens.find("a.b.c"));
        advance(Duration.ofSeconds(59));
        assertEquals(Optional.of("alice"), tokens.find("a.b.c"));
        advance(Duration.ofSeconds(1));
        assertEquals(Optional.empty(), tokens.find("a.b.c"), "a token is not answered at its expiry");
        assertEquals(0, tokens.size(), "the expired entry is dropped when met");
    }

    @Test
    void aLongLivedTokenIsKeptForTheMaximumAgeOnly() {
        VerifiedTokens<String> tokens = tokens(10, Duration.ofMinutes(5));
        tokens.keep("long", now.get().plus(Duration.ofHours(10)), "alice");
        advance(Duration.ofMinutes(5).minusSeconds(1));
        assertTrue(tokens.find("long").isPresent());
        advance(Duration.ofSeconds(1));
        assertTrue(tokens.find("long").isEmpty(), "after the maximum age the token must be verified again");
    }

    @Test
    void aTokenDifferingInOneCharacterIsAnotherToken() {
        VerifiedTokens<String> tokens = tokens(10, Duration.ofMinutes(5));
        tokens.keep("header.payload.signature", now.get().plusSeconds(60), "alice");
        assertTrue(tokens.find("header.payload.signaturf").isEmpty());
        assertTrue(tokens.find("header.payload.signatur").isEmpty());
        assertTrue(tokens.find("header.payload.signature ").isEmpty());
        assertTrue(tokens.find("Header.payload.signature").isEmpty());
    }

    @Test
    void expiredTokensAndTokensWithoutExpiryAreNotKept() {
        VerifiedTokens<String> tokens = tokens(10, Duration.ofMinutes(5));
        assertFalse(tokens.keep("past", now.get().minusSeconds(1), "alice"));
        assertFalse(tokens.keep("now", now.get(), "alice"));
        assertFalse(tokens.keep("none", null, "alice"));
        assertEquals(0, tokens.size());
    }

    @Test
    void theFirstVerificationOfATokenStaysItsAnswer() {
        VerifiedTokens<String> tokens = tokens(10, Duration.ofMinutes(5));
        tokens.keep("t", now.get().plusSeconds(60), "first");
        tokens.keep("t", now.get().plusSeconds(300), "second");
        assertEquals(Optional.of("first"), tokens.find("t"));
        advance(Duration.ofSeconds(60));
        assertTrue(tokens.find("t").isEmpty(), "a later keep does not extend the first one's expiry");
    }

    @Test
    void whenFullExpiredEntriesMakeRoomAndOtherwiseNewTokensAreNotKept() {
        VerifiedTokens<String> tokens = tokens(2, Duration.ofMinutes(5));
        tokens.keep("short", now.get().plusSeconds(10), "a");
        tokens.keep("long", now.get().plusSeconds(100), "b");
        assertFalse(tokens.keep("third", now.get().plusSeconds(100), "c"), "full: nothing has expired");
        assertTrue(tokens.find("third").isEmpty());
        advance(Duration.ofSeconds(10));
        assertTrue(tokens.keep("third", now.get().plusSeconds(100), "c"), "the expired entry made room");
        assertEquals(Optional.of("c"), tokens.find("third"));
        assertEquals(Optional.of("b"), tokens.find("long"));
        assertEquals(2, tokens.size());
    }

    @Test
    void noEntriesMeansNothingIsEverKept() {
        VerifiedTokens<String> tokens = tokens(0, Duration.ofMinutes(5));
        assertFalse(tokens.keep("t", now.get().plusSeconds(60), "alice"));
        assertTrue(tokens.find("t").isEmpty());
    }
}
