package io.p2pfs.common.chunks;

/**
 * The chunk token contract. The metadata service signs short-lived JWTs (ES256,
 * with a {@code kid}; its public keys at {@code <metadata>/.well-known/jwks.json}); a peer
 * accepts a chunk operation only with a token whose {@code sub} is exactly that chunk id,
 * {@code op} that operation, {@code aud} that peer's node id, issued by {@link #ISSUER} and
 * unexpired ({@code exp} at most {@link #MAX_LIFETIME_SECONDS} after {@code iat}).
 *
 * <p>The token travels in the {@link #HEADER} request header, so it never mixes with the
 * OAuth bearer tokens of users and nodes.
 */
public final class ChunkTokens {

    public static final String HEADER = "Chunk-Token";
    public static final String ISSUER = "urn:p2pfs:metadata";
    public static final String OP_CLAIM = "op";
    public static final long MAX_LIFETIME_SECONDS = 300;

    public enum Op {
        read, write, delete
    }

    private ChunkTokens() {
    }
}
