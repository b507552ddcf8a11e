package io.p2pfs.common.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A signed tree head: the audit log's size and root hash at a moment, signed with Ed25519 by
 * the audit service's log key (a key the audit database never holds).
 *
 * <p>The signature covers the UTF-8 bytes of {@link #signedText()}, seven lines each ended by
 * {@code \n}: {@code p2pfs-tree-head/v1}, the origin (the log's name), the tree size in decimal,
 * the root hash in lower-case hex, the timestamp in milliseconds since the epoch, and the key id.
 * JSON form: {@code {origin, treeSize, rootHash, timestamp (RFC 3339, milliseconds), keyId,
 * signature (base64)}}.
 */
public record TreeHead(String origin, long treeSize, String rootHash, Instant timestamp, String keyId,
        String signature) {

    public static final String FORMAT = "p2pfs-tree-head/v1";
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    public TreeHead {
        timestamp = timestamp == null ? null : timestamp.truncatedTo(ChronoUnit.MILLIS);
    }

    /** An unsigned head, to be signed. */
    public static TreeHead unsigned(String origin, long treeSize, byte[] root, Instant timestamp, String keyId) {
        return new TreeHead(origin, treeSize, Merkle.hex(root), timestamp, keyId, null);
    }

    public String signedText() {
        return FORMAT + "\n" + origin + "\n" + treeSize + "\n" + rootHash + "\n" + timestamp.toEpochMilli() + "\n"
                + keyId + "\n";
    }

    public byte[] signedBytes() {
        return signedText().getBytes(StandardCharsets.UTF_8);
    }

    public TreeHead withSignature(byte[] signatureBytes) {
        return new TreeHead(origin, treeSize, rootHash, timestamp, keyId, Base64.getEncoder().encodeToString(signatureBytes));
    }

    public byte[] root() {
        return Merkle.unhex(rootHash);
    }

    /** Whether the signature is valid for {@code key}; false for any malformed part. */
    public boolean verify(PublicKey key) {
        if (signature == null || origin == null || rootHash == null || timestamp == null || keyId == null
                || origin.contains("\n") || keyId.contains("\n") || treeSize < 0) {
            return false;
        }
        try {
            Merkle.unhex(rootHash);
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(signedBytes());
            return verifier.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** An Ed25519 public key from its 32 raw bytes, base64 (as the audit service publishes it). */
    public static PublicKey publicKey(String base64) {
        byte[] raw = Base64.getDecoder().decode(base64.trim());
        if (raw.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
        }
        byte[] spki = new byte[ED25519_SPKI_PREFIX.length + raw.length];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, raw.length);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key", e);
        }
    }
}
