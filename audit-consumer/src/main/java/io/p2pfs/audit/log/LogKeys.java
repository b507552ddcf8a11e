package io.p2pfs.audit.log;

import io.p2pfs.common.audit.Merkle;
import io.p2pfs.common.audit.TreeHead;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The keys of the transparency log, derived with HKDF-SHA256 (BouncyCastle) from the one
 * configured log key: {@code tree-head-signing} is the seed of the Ed25519 key that signs tree
 * heads, {@code tree-state-mac} the HMAC-SHA256 key that seals the stored tree state
 * ({@code MAC(seq size as 8 bytes big-endian || root)}). Neither the key nor anything derived
 * from it is logged or stored.
 */
@ApplicationScoped
public class LogKeys {

    private static final byte[] SALT = "p2pfs/audit-log/v1".getBytes(StandardCharsets.UTF_8);

    private final Ed25519PrivateKeyParameters signing;
    private final byte[] publicKey;
    private final SecretKeySpec stateMac;
    private final String keyId;
    /** Key id to its raw public key in base64, as published, and to the key itself for verifying. */
    private final Map<String, String> published = new LinkedHashMap<>();
    private final Map<String, PublicKey> trusted = new LinkedHashMap<>();

    public LogKeys(LogConfig config) {
        byte[] secret;
        try {
            secret = Base64.getDecoder().decode(config.signingKey().trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("p2pfs.audit.log.signing-key is not base64");
        }
        if (secret.length < 32) {
            throw new IllegalStateException("p2pfs.audit.log.signing-key must hold at least 32 bytes");
        }
        this.signing = new Ed25519PrivateKeyParameters(derive(secret, "tree-head-signing"), 0);
        this.publicKey = signing.generatePublicKey().getEncoded();
        this.stateMac = new SecretKeySpec(derive(secret, "tree-state-mac"), "HmacSHA256");
        this.keyId = config.keyId().filter(id -> !id.isBlank())
                .orElseGet(() -> Merkle.hex(sha256(publicKey)).substring(0, 16));
        trust(keyId, publicKeyBase64());
        String earlier = config.trustedKeys().orElse("").trim();
        if (!earlier.isEmpty()) {
            for (String pair : earlier.split(",")) {
                int colon = pair.indexOf(':');
                if (colon < 1) {
                    throw new IllegalStateException("p2pfs.audit.log.trusted-keys holds id:base64 pairs separated by commas");
                }
                String id = pair.substring(0, colon).trim();
                if (!trusted.containsKey(id)) {
                    trust(id, pair.substring(colon + 1).trim());
                }
            }
        }
    }

    private void trust(String id, String base64) {
        trusted.put(id, TreeHead.publicKey(base64));
        published.put(id, base64);
    }

    public String keyId() {
        return keyId;
    }

    /** The raw 32-byte Ed25519 public key, base64. */
    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(publicKey);
    }

    /** The raw public keys (base64) heads may be signed with, by key id: the current one first, then the earlier ones. */
    public Map<String, String> trustedKeys() {
        return Collections.unmodifiableMap(published);
    }

    public TreeHead sign(TreeHead unsigned) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, signing);
        byte[] message = unsigned.signedBytes();
        signer.update(message, 0, message.length);
        return unsigned.withSignature(signer.generateSignature());
    }

    /** Whether a head carries a valid signature by one of the trusted keys (the one its key id names). */
    public boolean signedByUs(TreeHead head) {
        PublicKey key = head.keyId() == null ? null : trusted.get(head.keyId());
        return key != null && head.verify(key);
    }

    public byte[] stateMac(long treeSize, byte[] root) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(stateMac);
            mac.update(ByteBuffer.allocate(8).putLong(treeSize).array());
            mac.update(root);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    public boolean stateSealed(long treeSize, byte[] root, byte[] mac) {
        return mac != null && MessageDigest.isEqual(stateMac(treeSize, root), mac);
    }

    private static byte[] derive(byte[] secret, String label) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(secret, SALT, label.getBytes(StandardCharsets.UTF_8)));
        byte[] key = new byte[32];
        hkdf.generateBytes(key, 0, key.length);
        return key;
    }

    private static byte[] sha256(byte[] value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
