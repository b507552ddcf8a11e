package io.p2pfs.metadata.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Bearer tokens this service has verified, each kept with what its verification gave until the
 * token expires (or a maximum time, whichever is sooner), so that a client sending the same token
 * again is not verified again: a signature check and the parse of the token's JSON cost more than
 * the rest of a stat. Keyed by the SHA-256 of the token: a lookup compares digests, never the
 * tokens themselves, and a token that differs in any character (another signature, a changed
 * claim) is another key and is verified on its own. Bounded: when full, expired entries are
 * dropped, and a token that still does not fit is simply verified every time.
 *
 * @param <V> what a verification produced (the caller's identity)
 */
public final class VerifiedTokens<V> {

    private record Kept<V>(V value, Instant until) {
    }

    private final ConcurrentHashMap<ByteBuffer, Kept<V>> kept = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final Duration maxAge;
    private final Supplier<Instant> clock;

    /**
     * @param maxEntries tokens kept at most; 0 keeps none
     * @param maxAge the longest a verification is kept, however long its token lives
     */
    public VerifiedTokens(int maxEntries, Duration maxAge, Supplier<Instant> clock) {
        if (maxEntries < 0 || maxAge.isNegative()) {
            throw new IllegalArgumentException("maxEntries and maxAge must not be negative");
        }
        this.maxEntries = maxEntries;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** What the token's verification gave, if it is kept and has not expired. */
    public Optional<V> find(String token) {
        if (maxEntries == 0) {
            return Optional.empty();
        }
        ByteBuffer key = key(token);
        Kept<V> entry = kept.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (!clock.get().isBefore(entry.until())) {
            kept.remove(key, entry);
            return Optional.empty();
        }
        return Optional.of(entry.value());
    }

    /**
     * Keeps a verification until {@code expiresAt} (the token's own expiry) or the maximum age.
     * A token without an expiry, or already expired, is not kept.
     *
     * @return whether it is kept
     */
    public boolean keep(String token, Instant expiresAt, V value) {
        if (maxEntries == 0 || expiresAt == null) {
            return false;
        }
        Instant now = clock.get();
        Instant until = expiresAt.isBefore(now.plus(maxAge)) ? expiresAt : now.plus(maxAge);
        if (!now.isBefore(until)) {
            return false;
        }
        ByteBuffer key = key(token);
        if (kept.containsKey(key)) {
            return true;
        }
        if (kept.size() >= maxEntries) {
            kept.values().removeIf(entry -> !now.isBefore(entry.until()));
            if (kept.size() >= maxEntries) {
                return false;
            }
        }
        kept.putIfAbsent(key, new Kept<>(value, until));
        return true;
    }

    /** Tokens kept now, expired ones not yet dropped included. */
    public int size() {
        return kept.size();
    }

    private static ByteBuffer key(String token) {
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
