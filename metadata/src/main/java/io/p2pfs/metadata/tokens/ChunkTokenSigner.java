package io.p2pfs.metadata.tokens;

import io.p2pfs.common.chunks.ChunkTokens;
import io.p2pfs.metadata.crypto.KeyRing;
import io.p2pfs.metadata.crypto.SealedBox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Signs chunk tokens (contract in {@link ChunkTokens}) with ES256. The signing key
 * lives in the database (private half sealed under the master key), so every metadata replica
 * signs with the same newest key and the JWKS lists all keys peers may still see; a new key is
 * made when none exists or the newest is older than the rotation period.
 */
@ApplicationScoped
public class ChunkTokenSigner {

    static final Duration ROTATION = Duration.ofDays(30);
    static final Duration TOKEN_LIFETIME = Duration.ofMinutes(5);
    private static final byte[] AAD = "chunk-token-signing-key".getBytes(StandardCharsets.UTF_8);

    private final KeyRing keys;
    private volatile Active active;
    private volatile List<Map<String, Object>> jwks = List.of();

    record Active(String kid, PrivateKey key) {
    }

    public ChunkTokenSigner(KeyRing keys) {
        this.keys = keys;
    }

    void load(@Observes StartupEvent startup) throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() ->
                SigningKey.<SigningKey>find("retiredAt is null order by createdAt desc").list()
                        .flatMap(existing -> {
                            if (!existing.isEmpty() && existing.get(0).createdAt
                                    .isAfter(Instant.now().minus(ROTATION))) {
                                return io.smallrye.mutiny.Uni.createFrom().item(existing);
                            }
                            SigningKey fresh = generate();
                            return fresh.persist().map(v -> {
                                List<SigningKey> all = new java.util.ArrayList<>();
                                all.add(fresh);
                                all.addAll(existing);
                                return all;
                            });
                        })
                        .invoke(this::install)));
    }

    private void install(List<SigningKey> all) {
        SigningKey newest = all.get(0);
        byte[] der;
        try {
            der = SealedBox.open(keys.signingKeys(newest.keyId), newest.privateSealed, AAD);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("the chunk-token signing key " + newest.kid
                    + " is sealed under master key id '" + newest.keyId + "', and the configured key of"
                    + " that id does not open it: this database was written with a different master key", e);
        }
        try {
            PrivateKey privateKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
            active = new Active(newest.kid, privateKey);
            jwks = all.stream().map(ChunkTokenSigner::jwk).toList();
            Log.infof("Chunk tokens signed with key %s (%d key(s) published)", newest.kid, all.size());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the chunk-token signing key", e);
        }
    }

    private SigningKey generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            SigningKey key = new SigningKey();
            key.kid = "ct-" + UUID.randomUUID().toString().substring(0, 8);
            key.publicDer = pair.getPublic().getEncoded();
            key.privateSealed = SealedBox.seal(keys.signingKeys(), pair.getPrivate().getEncoded(), AAD);
            key.keyId = keys.keyId();
            key.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token for exactly this chunk, operation and node, valid five minutes. */
    public String sign(String chunkId, ChunkTokens.Op op, UUID nodeId) {
        Active signer = active;
        return Jwt.issuer(ChunkTokens.ISSUER).subject(chunkId).audience(nodeId.toString())
                .claim(ChunkTokens.OP_CLAIM, op.name()).expiresIn(TOKEN_LIFETIME)
                .jws().keyId(signer.kid()).algorithm(SignatureAlgorithm.ES256).sign(signer.key());
    }

    /** The JWK set peers verify with. */
    public Map<String, Object> jwks() {
        return Map.of("keys", jwks);
    }

    private static Map<String, Object> jwk(SigningKey key) {
        try {
            ECPublicKey publicKey = (ECPublicKey) KeyFactory.getInstance("EC")
                    .generatePublic(new X509EncodedKeySpec(key.publicDer));
            Map<String, Object> jwk = new LinkedHashMap<>();
            jwk.put("kty", "EC");
            jwk.put("crv", "P-256");
            jwk.put("kid", key.kid);
            jwk.put("use", "sig");
            jwk.put("alg", "ES256");
            jwk.put("x", coordinate(publicKey.getW().getAffineX()));
            jwk.put("y", coordinate(publicKey.getW().getAffineY()));
            return jwk;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String coordinate(java.math.BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] fixed = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, fixed, 32 - copy, copy);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
    }
}
