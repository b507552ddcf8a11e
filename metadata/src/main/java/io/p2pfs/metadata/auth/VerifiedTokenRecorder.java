package io.p2pfs.metadata.auth;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Keeps the identity the OIDC verifier made of a bearer token, until the token expires, for
 * {@link KeptTokenIdentityProvider}. It runs before every other augmentor, so what is kept is
 * the verifier's identity and every later step runs again on each request as it would without
 * the cache. The kept copy is bound to no request.
 */
@ApplicationScoped
public class VerifiedTokenRecorder implements SecurityIdentityAugmentor {

    private final KeptTokens tokens;

    public VerifiedTokenRecorder(KeptTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public int priority() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        AccessTokenCredential credential = identity.getCredential(AccessTokenCredential.class);
        if (credential != null && identity.getPrincipal() instanceof JsonWebToken jwt
                && credential.getToken().equals(jwt.getRawToken()) && jwt.getExpirationTime() > 0) {
            tokens.verified().keep(credential.getToken(), Instant.ofEpochSecond(jwt.getExpirationTime()),
                    QuarkusSecurityIdentity.builder(identity).addAttribute(KeptTokenIdentityProvider.ROUTING_CONTEXT,
                            null).build());
        }
        return Uni.createFrom().item(identity);
    }
}
