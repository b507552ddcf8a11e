package io.p2pfs.metadata.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Answers a bearer token this service has verified before, and has not seen expire, with the
 * identity its verification gave, ahead of the OIDC verifier (which answers every other token,
 * and whose identities {@link VerifiedTokenRecorder} keeps). Only access tokens presented as
 * bearer tokens are looked up. The identity answered is a copy bound to the current request.
 */
@ApplicationScoped
public class KeptTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    /** Before the OIDC verifier, which has the default priority. */
    static final int PRIORITY = 2_000;
    static final String ROUTING_CONTEXT = RoutingContext.class.getName();

    private final KeptTokens tokens;
    private final Counter hits;

    public KeptTokenIdentityProvider(KeptTokens tokens, MeterRegistry metrics) {
        this.tokens = tokens;
        this.hits = metrics.counter("p2pfs_auth_tokens_kept_hits_total");
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        if (!(request.getToken() instanceof AccessTokenCredential credential)) {
            return Uni.createFrom().nullItem();
        }
        return tokens.verified().find(credential.getToken()).map(identity -> {
            hits.increment();
            return Uni.createFrom().<SecurityIdentity>item(QuarkusSecurityIdentity.builder(identity)
                    .addAttribute(ROUTING_CONTEXT, HttpSecurityUtils.getRoutingContextAttribute(request)).build());
        }).orElseGet(() -> Uni.createFrom().nullItem());
    }
}
