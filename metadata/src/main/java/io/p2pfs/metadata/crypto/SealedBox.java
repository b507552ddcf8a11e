package io.p2pfs.metadata.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a random 96-bit nonce for small secrets at rest (names, manifests, wrapped
 * keys). Wire form: {@code nonce(12) || ciphertext || tag(16)}. The associated data binds a
 * sealed value to its place (for a name: its parent directory), so rows cannot be swapped.
 */
public final class SealedBox {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE = 12;
    /**
     * One cipher per thread, initialised anew for every value: looking the transformation up and
     * expanding the key for each of a listing's names cost more than opening them.
     */
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    });

    private SealedBox() {
    }

    public static byte[] seal(SecretKeySpec key, byte[] plain, byte[] associated) {
        try {
            byte[] nonce = new byte[NONCE];
            RANDOM.nextBytes(nonce);
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(associated);
            byte[] sealed = new byte[NONCE + cipher.getOutputSize(plain.length)];
            System.arraycopy(nonce, 0, sealed, 0, NONCE);
            cipher.doFinal(plain, 0, plain.length, sealed, NONCE);
            return sealed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing failed", e);
        }
    }

    public static byte[] open(SecretKeySpec key, byte[] sealed, byte[] associated) {
        try {
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, NONCE));
            cipher.updateAAD(associated);
            return cipher.doFinal(sealed, NONCE, sealed.length - NONCE);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("sealed value failed authentication (wrong key or tampered row)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("opening failed", e);
        }
    }

    public static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }
}
