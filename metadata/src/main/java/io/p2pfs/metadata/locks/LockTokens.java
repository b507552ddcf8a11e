package io.p2pfs.metadata.locks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Lock tokens: 32 random bytes, base64url. The service keeps only their SHA-256, so a database
 * reader cannot act as a holder. The {@code Lock-Token} header carries one or more tokens,
 * comma-separated, each optionally in angle brackets as WebDAV writes them.
 */
public final class LockTokens {

    private static final SecureRandom RANDOM = new SecureRandom();

    private LockTokens() {
    }

    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The tokens a {@code Lock-Token} header presents (none for a missing or blank header). */
    public static Set<String> parse(String header) {
        Set<String> tokens = new LinkedHashSet<>();
        if (header == null) {
            return tokens;
        }
        for (String part : header.split(",")) {
            String token = part.trim();
            if (token.startsWith("<") && token.endsWith(">")) {
                token = token.substring(1, token.length() - 1).trim();
            }
            if (!token.isEmpty()) {
                tokens.add(token);
            }
        }
        return tokens;
    }
}
