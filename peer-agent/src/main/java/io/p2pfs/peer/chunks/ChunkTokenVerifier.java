package io.p2pfs.peer.chunks;

import io.p2pfs.common.chunks.ChunkId;
import io.p2pfs.common.chunks.ChunkTokens;
import io.p2pfs.common.problem.Forbidden;
import io.p2pfs.common.problem.Unauthorized;
import io.p2pfs.peer.PeerConfig;
import io.quarkus.logging.Log;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Checks chunk tokens ({@link ChunkTokens}): an ES256 JWT signed by a key the
 * metadata service publishes at {@code <metadata>/.well-known/jwks.json}, issuer
 * {@value ChunkTokens#ISSUER}, unexpired, at most {@value ChunkTokens#MAX_LIFETIME_SECONDS} s
 * long, for exactly this chunk ({@code sub}), operation ({@code op}) and node ({@code aud}).
 *
 * <p>SmallRye JWT fetches and caches the key set; a token with an unknown key id makes it fetch
 * again (at most once per forced-refresh interval), which is how a key rotation is picked up.
 * An invalid token is 401; a valid token for something else is 403. Blocking (may fetch keys).
 */
@ApplicationScoped
public class ChunkTokenVerifier {

    private final DefaultJWTParser parser;
    private final JWTAuthContextInfo context;

    public ChunkTokenVerifier(PeerConfig config) {
        String metadata = config.metadataUrl().replaceAll("/+$", "");
        context = new JWTAuthContextInfo(metadata + "/.well-known/jwks.json", ChunkTokens.ISSUER);
        context.setSignatureAlgorithm(Set.of(SignatureAlgorithm.ES256));
        context.setMaxTimeToLiveSecs(ChunkTokens.MAX_LIFETIME_SECONDS);
        context.setJwksRefreshInterval(config.chunks().jwksRefreshMinutes());
        context.setForcedJwksRefreshInterval(config.chunks().jwksForcedRefreshMinutes());
        context.setRequiredClaims(Set.of("sub", "aud", ChunkTokens.OP_CLAIM, "exp", "iat"));
        context.setClockSkew(5);
        config.tlsCa().ifPresent(ca -> context.setTlsCertificatePath(ca.toString()));
        // A factory of our own, used through parse(token): it keeps one key resolver, so the key set
        // is fetched once and cached. parse(token, context) instead builds a new factory, resolver
        // and HTTPS fetch of the key set for every token it checks.
        parser = new DefaultJWTParser(context, new DefaultJWTCallerPrincipalFactory());
    }

    /** Returns normally only if {@code token} authorizes {@code op} on {@code chunkId} at {@code nodeId}. */
    public void verify(String token, ChunkId chunkId, ChunkTokens.Op op, String nodeId) {
        if (token == null || token.isBlank()) {
            throw new Unauthorized("A chunk token is required in the " + ChunkTokens.HEADER + " header.");
        }
        JsonWebToken jwt;
        try {
            jwt = parser.parse(token.trim());
        } catch (ParseException e) {
            Log.debugf("chunk token refused: %s", e.getMessage());
            throw new Unauthorized("The chunk token is not valid (signature, issuer, algorithm or expiry).");
        }
        if (!chunkId.hex().equals(jwt.getSubject())) {
            throw new Forbidden("The chunk token is for another chunk.");
        }
        Object claimedOp = jwt.getClaim(ChunkTokens.OP_CLAIM);
        if (claimedOp == null || !op.name().equals(claimedOp.toString().replace("\"", ""))) {
            throw new Forbidden("The chunk token does not allow " + op + ".");
        }
        Set<String> audience = jwt.getAudience();
        if (audience == null || !audience.contains(nodeId)) {
            throw new Forbidden("The chunk token is for another node.");
        }
    }
}
