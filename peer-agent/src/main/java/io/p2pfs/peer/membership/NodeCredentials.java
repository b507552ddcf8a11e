package io.p2pfs.peer.membership;

import io.p2pfs.peer.PeerConfig;
import io.quarkus.oidc.client.OidcClient;
import io.quarkus.oidc.client.Tokens;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

/**
 * The bearer token this node presents to the tracker: the {@code p2pfs-node} service account's
 * access token from Keycloak (OIDC client credentials), fetched when missing or about to expire.
 * Tests, without Keycloak, configure a fixed token instead. Never logged.
 */
@ApplicationScoped
public class NodeCredentials {

    private static final long EXPIRY_MARGIN_SECONDS = 30;

    private final PeerConfig config;
    private final Instance<OidcClient> oidc;
    private Tokens tokens;

    public NodeCredentials(PeerConfig config, Instance<OidcClient> oidc) {
        this.config = config;
        this.oidc = oidc;
    }

    /** {@code Bearer <token>}. Blocking: may call Keycloak. */
    public synchronized String authorization() {
        var fixed = config.membership().staticBearerToken();
        if (fixed.isPresent()) {
            return "Bearer " + fixed.get();
        }
        if (tokens == null || expiresSoon(tokens)) {
            tokens = oidc.get().getTokens().await().atMost(java.time.Duration.ofSeconds(30));
        }
        return "Bearer " + tokens.getAccessToken();
    }

    /** Forget the cached token (the tracker refused it). */
    public synchronized void invalidate() {
        tokens = null;
    }

    private static boolean expiresSoon(Tokens tokens) {
        Long expiresAt = tokens.getAccessTokenExpiresAt();
        return expiresAt != null && expiresAt - EXPIRY_MARGIN_SECONDS <= java.time.Instant.now().getEpochSecond();
    }
}
