package io.p2pfs.client.chunks;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Gets the JDK's AES-GCM and SHA-256 intrinsics compiled before the first large transfer. The
 * JIT compiles the GCM kernel only after many calls; a chunk is one decryption call, so a fresh
 * JVM decrypts its first few hundred MiB at about a hundredth of the warm speed (measured: ~90 MB/s
 * cold, several GB/s warm). Twenty thousand decryptions of 1 KiB take a few tenths of a second of
 * one core and leave it compiled. Runs once per JVM, on a daemon thread of its own.
 */
public final class CryptoWarmup {

    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private CryptoWarmup() {
    }

    /** Starts the warm-up in the background (once per JVM; later calls do nothing). */
    public static void start() {
        if (STARTED.compareAndSet(false, true)) {
            Thread.ofPlatform().name("p2pfs-crypto-warmup").daemon().priority(Thread.MIN_PRIORITY)
                    .start(CryptoWarmup::run);
        }
    }

    static void run() {
        try {
            SecretKeySpec convergence = new SecretKeySpec(new byte[32], "HmacSHA256");
            byte[] plain = new byte[1024];
            ChunkCipher.Sealed sealed = ChunkCipher.encrypt(convergence, plain, plain.length);
            SecretKeySpec key = new SecretKeySpec(sealed.key(), "AES");
            GCMParameterSpec nonce = new GCMParameterSpec(128, new byte[12]);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < 20_000; i++) {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(Cipher.DECRYPT_MODE, key, nonce);
                cipher.doFinal(sealed.cipher(), 0, sealed.cipher().length);
                if (i % 4 == 0) {
                    ChunkCipher.encrypt(convergence, plain, plain.length);
                    sha.update(plain);
                }
            }
        } catch (GeneralSecurityException e) {
            // Nothing to warm: the transfers will report the same failure themselves.
        }
    }
}
