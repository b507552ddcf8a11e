package io.p2pfs.metadata.auth;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/** The service's one store of verified bearer tokens, sized by {@link TokenCacheConfig}. */
@ApplicationScoped
public class KeptTokens {

    private final VerifiedTokens<SecurityIdentity> verified;

    public KeptTokens(TokenCacheConfig config, MeterRegistry metrics) {
        this.verified = new VerifiedTokens<>(config.maxEntries(), config.maxAge(), Instant::now);
        metrics.gauge("p2pfs_auth_tokens_kept", verified, VerifiedTokens::size);
    }

    VerifiedTokens<SecurityIdentity> verified() {
        return verified;
    }
}
