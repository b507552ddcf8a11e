package io.p2pfs.audit.chain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The link function of the audit chain: {@code hash = SHA-256(prev_hash || canonical)}, where
 * {@code prev_hash} is the previous row's 32-byte hash ({@link #GENESIS}, 32 zero bytes, for
 * seq 1) and {@code canonical} the UTF-8 bytes of the event's {@link CanonicalJson} form.
 */
public final class HashChain {

    public static final byte[] GENESIS = new byte[32];

    private HashChain() {
    }

    public static byte[] link(byte[] prevHash, String canonical) {
        MessageDigest sha256 = sha256();
        sha256.update(prevHash);
        sha256.update(canonical.getBytes(StandardCharsets.UTF_8));
        return sha256.digest();
    }

    public static String hex(byte[] hash) {
        return HexFormat.of().formatHex(hash);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
