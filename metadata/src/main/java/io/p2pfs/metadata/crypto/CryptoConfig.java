package io.p2pfs.metadata.crypto;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** The master key everything else derives from (never logged, never in a response). */
@ConfigMapping(prefix = "p2pfs.crypto")
public interface CryptoConfig {

    /** 32 random bytes, base64 ({@code P2PFS_CRYPTO_MASTER_KEY}; the local stack generates one). */
    String masterKey();

    /** The id recorded with everything encrypted under this master key, for rotation. */
    @WithDefault("k1")
    String keyId();

    /**
     * Master keys being retired, as {@code id:base64} pairs separated by commas: still used to
     * open what was sealed under them, never to seal.
     */
    Optional<String> previousKeys();
}
