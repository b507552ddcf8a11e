package io.p2pfs.metadata.crypto;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The keys of the metadata service, each derived from a master key with HKDF-SHA256
 * (BouncyCastle) under its own label, so one secret in configuration yields independent keys:
 * <ul>
 * <li>{@code names}: AES-256-GCM for file and directory names,</li>
 * <li>{@code name-index}: HMAC-SHA256 giving the lookup key of a name,</li>
 * <li>{@code manifests}: AES-256-GCM for version manifests,</li>
 * <li>{@code convergence}: the root of the writers' convergence keys: writer {@code u}'s key is
 * {@code HKDF(root, info = "p2pfs convergence/" || keyId || "/" || u)}, and
 * {@code HMAC-SHA256(that key, SHA-256(plain))} keys a chunk, so a writer's identical chunks
 * dedupe and different writers' never share an id,</li>
 * <li>{@code signing-keys}: AES-256-GCM wrapping the chunk-token signing keys at rest.</li>
 * </ul>
 * Several master keys may be known at once, each under an id: the active one seals everything
 * new, and the previous ones still open what was sealed under them until a re-encryption has
 * moved it all to the active key and they are retired from configuration. Every sealed value's
 * row records its key id.
 */
@ApplicationScoped
public class KeyRing {

    private static final byte[] SALT = "p2pfs/metadata/v1".getBytes(StandardCharsets.UTF_8);

    /** The keys derived from one master key. */
    private record Keys(SecretKeySpec names, SecretKeySpec nameIndex, SecretKeySpec manifests,
            SecretKeySpec convergence, SecretKeySpec signingKeys) {
    }

    private final String keyId;
    private final Keys active;
    private final Map<String, Keys> known = new LinkedHashMap<>();
    private final Map<String, Convergence> writers = new java.util.concurrent.ConcurrentHashMap<>();

    public KeyRing(CryptoConfig config) {
        this.keyId = config.keyId();
        this.active = derive(config.masterKey(), "p2pfs.crypto.master-key");
        known.put(keyId, active);
        String previous = config.previousKeys().orElse("").trim();
        if (!previous.isEmpty()) {
            for (String pair : previous.split(",")) {
                int colon = pair.indexOf(':');
                if (colon < 1) {
                    throw new IllegalStateException("p2pfs.crypto.previous-keys holds id:base64 pairs separated by commas");
                }
                String id = pair.substring(0, colon).trim();
                if (known.containsKey(id)) {
                    throw new IllegalStateException("key id " + id + " is configured twice");
                }
                known.put(id, derive(pair.substring(colon + 1), "p2pfs.crypto.previous-keys[" + id + "]"));
            }
        }
    }

    private static Keys derive(String base64, String name) {
        byte[] master;
        try {
            master = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(name + " is not base64");
        }
        if (master.length < 32) {
            throw new IllegalStateException(name + " must hold at least 32 bytes");
        }
        Keys keys = new Keys(new SecretKeySpec(derive(master, "names"), "AES"),
                new SecretKeySpec(derive(master, "name-index"), "HmacSHA256"),
                new SecretKeySpec(derive(master, "manifests"), "AES"),
                new SecretKeySpec(derive(master, "convergence"), "HmacSHA256"),
                new SecretKeySpec(derive(master, "signing-keys"), "AES"));
        java.util.Arrays.fill(master, (byte) 0);
        return keys;
    }

    static byte[] derive(byte[] master, String label) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(master, SALT, ("p2pfs " + label).getBytes(StandardCharsets.UTF_8)));
        byte[] key = new byte[32];
        hkdf.generateBytes(key, 0, key.length);
        return key;
    }

    /** The active key's id: recorded with everything sealed now. */
    public String keyId() {
        return keyId;
    }

    /** Every key id this service can open, the active one first. */
    public Set<String> keyIds() {
        return Collections.unmodifiableSet(known.keySet());
    }

    private Keys of(String id) {
        Keys keys = known.get(id);
        if (keys == null) {
            throw new IllegalStateException("data sealed under key id " + id
                    + ", which is not configured (add it to p2pfs.crypto.previous-keys)");
        }
        return keys;
    }

    public SecretKeySpec names() {
        return active.names();
    }

    public SecretKeySpec names(String id) {
        return of(id).names();
    }

    public SecretKeySpec nameIndex() {
        return active.nameIndex();
    }

    /** The name-index keys of every known master key, the active one first (lookups try them all). */
    public List<SecretKeySpec> nameIndexes() {
        return known.values().stream().map(Keys::nameIndex).toList();
    }

    public SecretKeySpec manifests() {
        return active.manifests();
    }

    public SecretKeySpec manifests(String id) {
        return of(id).manifests();
    }

    /** A writer's convergence key and the id of the master key it derives from. */
    public record Convergence(String keyId, SecretKeySpec key) {
    }

    /** Writer {@code userId}'s convergence key under the active master key. */
    public Convergence convergence(String userId) {
        return convergence(userId, keyId);
    }

    /** Writer {@code userId}'s convergence key under master key {@code id} (a session's, at its commit). */
    public Convergence convergence(String userId, String id) {
        return writers.computeIfAbsent(id + "/" + userId, k -> {
            byte[] key = derive(of(id).convergence().getEncoded(), "convergence/" + id + "/" + userId);
            return new Convergence(id, new SecretKeySpec(key, "HmacSHA256"));
        });
    }

    public SecretKeySpec signingKeys() {
        return active.signingKeys();
    }

    public SecretKeySpec signingKeys(String id) {
        return of(id).signingKeys();
    }

    @Override
    public String toString() {
        return "KeyRing[" + keyId + "]";
    }
}
