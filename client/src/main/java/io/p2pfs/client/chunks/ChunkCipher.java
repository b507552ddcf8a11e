package io.p2pfs.client.chunks;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Convergent encryption of one chunk:
 * {@code h = SHA-256(plain)}, {@code k = HMAC-SHA256(convergenceKey, h)},
 * {@code c = AES-256-GCM(k, nonce = 0^96, plain)}, {@code chunkId = hex SHA-256(c)}.
 * The fixed nonce is safe because each key encrypts exactly one plaintext. Identical plaintext
 * yields identical ciphertext (dedup); without the convergence key nobody can test a guess.
 *
 * <p>Speed: the JDK's GCM intrinsic runs fast when encryption is fed in slices of at most
 * 64 KiB through {@code update} (a single {@code doFinal} over a MiB stays slow), while
 * decryption is fastest as one {@code doFinal}; both paths below follow that. Each byte is
 * hashed twice on upload (plain and cipher, both required by the construction) and never on
 * download: the GCM tag authenticates the chunk.
 */
public final class ChunkCipher {

    public static final int TAG_BYTES = 16;
    private static final int SLICE = 64 * 1024;
    private static final byte[] FIXED_NONCE = new byte[12];

    private ChunkCipher() {
    }

    /** One encrypted chunk: its id, plaintext hash, key, and ciphertext ({@code length} bytes of {@code cipher}). */
    public record Sealed(byte[] chunkId, byte[] plainHash, byte[] key, byte[] cipher, int plainLength) {
    }

    public static Sealed encrypt(SecretKeySpec convergenceKey, byte[] plain, int length) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (int off = 0; off < length; off += SLICE) {
                sha.update(plain, off, Math.min(SLICE, length - off));
            }
            byte[] h = sha.digest();
            byte[] k = chunkKey(convergenceKey, h);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k, "AES"), new GCMParameterSpec(128, FIXED_NONCE));
            byte[] out = new byte[length + TAG_BYTES];
            MessageDigest idHash = MessageDigest.getInstance("SHA-256");
            int written = 0;
            for (int off = 0; off < length; off += SLICE) {
                int before = written;
                written += cipher.update(plain, off, Math.min(SLICE, length - off), out, written);
                idHash.update(out, before, written - before);
            }
            int before = written;
            written += cipher.doFinal(out, written);
            idHash.update(out, before, written - before);
            return new Sealed(idHash.digest(), h, k, out, length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("chunk encryption failed", e);
        }
    }

    /** A chunk's key: {@code HMAC-SHA256(convergenceKey, SHA-256(plain))}. */
    public static byte[] chunkKey(SecretKeySpec convergenceKey, byte[] plainHash) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(convergenceKey);
            return mac.doFinal(plainHash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("chunk key derivation failed", e);
        }
    }

    /**
     * Decrypts and authenticates a chunk; throws {@link BadChunk} when the tag does not verify
     * (a corrupt or forged replica).
     */
    public static byte[] decrypt(byte[] key, byte[] cipherText, int offset, int length) throws BadChunk {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, FIXED_NONCE));
            return cipher.doFinal(cipherText, offset, length);
        } catch (AEADBadTagException e) {
            throw new BadChunk("authentication tag mismatch");
        } catch (GeneralSecurityException e) {
            throw new BadChunk("undecryptable: " + e.getClass().getSimpleName());
        }
    }

    /** A replica whose bytes do not authenticate. */
    public static final class BadChunk extends Exception {
        public BadChunk(String reason) {
            super(reason, null, false, false);
        }
    }
}
