package io.p2pfs.metadata.crypto;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The keys of the metadata service, each derived from the master key with HKDF-SHA256
 * (BouncyCastle) under its own label, so one secret in configuration yields independent keys:
 * <ul>
 * <li>{@code names}: AES-256-GCM for file and directory names,</li>
 * <li>{@code name-index}: HMAC-SHA256 giving the lookup key of a name,</li>
 * <li>{@code manifests}: AES-256-GCM for version manifests,</li>
 * <li>{@code convergence}: HMAC-SHA256 turning a chunk's plaintext hash into its key,</li>
 * <li>{@code signing-keys}: AES-256-GCM wrapping the chunk-token signing keys at rest.</li>
 * </ul>
 */
@ApplicationScoped
public class KeyRing {

    private static final byte[] SALT = "p2pfs/metadata/v1".getBytes(StandardCharsets.UTF_8);

    private final String keyId;
    private final SecretKeySpec names;
    private final SecretKeySpec nameIndex;
    private final SecretKeySpec manifests;
    private final SecretKeySpec convergence;
    private final SecretKeySpec signingKeys;

    public KeyRing(CryptoConfig config) {
        byte[] master;
        try {
            master = Base64.getDecoder().decode(config.masterKey().trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("p2pfs.crypto.master-key is not base64");
        }
        if (master.length < 32) {
            throw new IllegalStateException("p2pfs.crypto.master-key must hold at least 32 bytes");
        }
        this.keyId = config.keyId();
        this.names = new SecretKeySpec(derive(master, "names"), "AES");
        this.nameIndex = new SecretKeySpec(derive(master, "name-index"), "HmacSHA256");
        this.manifests = new SecretKeySpec(derive(master, "manifests"), "AES");
        this.convergence = new SecretKeySpec(derive(master, "convergence"), "HmacSHA256");
        this.signingKeys = new SecretKeySpec(derive(master, "signing-keys"), "AES");
        java.util.Arrays.fill(master, (byte) 0);
    }

    static byte[] derive(byte[] master, String label) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(master, SALT, ("p2pfs " + label).getBytes(StandardCharsets.UTF_8)));
        byte[] key = new byte[32];
        hkdf.generateBytes(key, 0, key.length);
        return key;
    }

    public String keyId() {
        return keyId;
    }

    public SecretKeySpec names() {
        return names;
    }

    public SecretKeySpec nameIndex() {
        return nameIndex;
    }

    public SecretKeySpec manifests() {
        return manifests;
    }

    public SecretKeySpec convergence() {
        return convergence;
    }

    public SecretKeySpec signingKeys() {
        return signingKeys;
    }

    @Override
    public String toString() {
        return "KeyRing[" + keyId + "]";
    }
}
