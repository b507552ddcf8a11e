package io.p2pfs.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chunk tokens ({@code io.p2pfs.common.chunks.ChunkTokens}) as the metadata service
 * signs them: ES256 JWTs with a {@code kid}, issuer {@code urn:p2pfs:metadata}. The public keys
 * are served as a JWKS at {@code <metadataUrl()>/.well-known/jwks.json} by a small HTTP server in
 * the test JVM, so a peer under test fetches and verifies them for real. Hostile variants
 * (expired, too long-lived, unsigned with {@code alg: none}, signed by a stranger's key) come
 * from the same builder; {@link #rotate()} switches to a new signing key the way metadata would.
 */
public final class TestChunkTokens {

    public static final String ISSUER = "urn:p2pfs:metadata";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static TestChunkTokens shared;

    private final HttpServer server;
    private final List<SigningKey> published = new ArrayList<>();
    private final AtomicInteger jwksRequests = new AtomicInteger();
    private volatile SigningKey current;

    private record SigningKey(String kid, KeyPair keys) {
    }

    private TestChunkTokens() throws IOException {
        current = newKey();
        published.add(current);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/.well-known/jwks.json", exchange -> {
            jwksRequests.incrementAndGet();
            byte[] body = jwks().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** The one signer of this test JVM, its JWKS server started. */
    public static synchronized TestChunkTokens shared() {
        if (shared == null) {
            try {
                shared = new TestChunkTokens();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the test JWKS server", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> shared.server.stop(0)));
        }
        return shared;
    }

    /** Where a peer finds the "metadata service" (only its JWKS is served here). */
    public String metadataUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String jwksUrl() {
        return metadataUrl() + "/.well-known/jwks.json";
    }

    /** How often the JWKS was fetched (to observe caching). */
    public int jwksRequests() {
        return jwksRequests.get();
    }

    /** A new key signs from now on; the JWKS publishes it beside the old ones. */
    public synchronized void rotate() {
        current = newKey();
        published.add(current);
    }

    /** A token for {@code op} on {@code chunkId} at node {@code nodeId}, valid for 2 minutes. */
    public Builder token(String chunkId, String op, String nodeId) {
        return new Builder(chunkId, op, nodeId);
    }

    public final class Builder {
        private final Map<String, Object> claims = new LinkedHashMap<>();
        private String alg = "ES256";
        private SigningKey key = current;

        private Builder(String chunkId, String op, String nodeId) {
            Instant now = Instant.now();
            claims.put("iss", ISSUER);
            claims.put("sub", chunkId);
            claims.put("op", op);
            claims.put("aud", nodeId);
            claims.put("iat", now.getEpochSecond());
            claims.put("exp", now.plus(Duration.ofMinutes(2)).getEpochSecond());
            claims.put("jti", UUID.randomUUID().toString());
        }

        public Builder claim(String name, Object value) {
            claims.put(name, value);
            return this;
        }

        public Builder issuer(String issuer) {
            return claim("iss", issuer);
        }

        public Builder expired() {
            long past = Instant.now().minus(Duration.ofMinutes(10)).getEpochSecond();
            claims.put("iat", past - 120);
            claims.put("exp", past);
            return this;
        }

        /** Valid now, but issued for longer than the contract's 300 s. */
        public Builder lifetime(Duration lifetime) {
            long now = Instant.now().getEpochSecond();
            claims.put("iat", now);
            claims.put("exp", now + lifetime.toSeconds());
            return this;
        }

        /** Signed by a key the JWKS does not publish (under a kid that looks legitimate). */
        public Builder signedByStranger() {
            key = new SigningKey(current.kid(), newKey().keys());
            return this;
        }

        /** {@code alg: none} and an empty signature. */
        public Builder unsigned() {
            alg = "none";
            return this;
        }

        public String sign() {
            try {
                Map<String, Object> header = new LinkedHashMap<>();
                header.put("alg", alg);
                header.put("typ", "JWT");
                header.put("kid", key.kid());
                String signingInput = encode(header) + "." + encode(claims);
                if (alg.equals("none")) {
                    return signingInput + ".";
                }
                Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
                signer.initSign(key.keys().getPrivate());
                signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
                return signingInput + "." + B64URL.encodeToString(signer.sign());
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private synchronized String jwks() {
        List<Map<String, Object>> keys = new ArrayList<>();
        for (SigningKey key : published) {
            ECPublicKey pub = (ECPublicKey) key.keys().getPublic();
            Map<String, Object> jwk = new LinkedHashMap<>();
            jwk.put("kty", "EC");
            jwk.put("crv", "P-256");
            jwk.put("kid", key.kid());
            jwk.put("use", "sig");
            jwk.put("alg", "ES256");
            jwk.put("x", B64URL.encodeToString(coordinate(pub.getW().getAffineX())));
            jwk.put("y", B64URL.encodeToString(coordinate(pub.getW().getAffineY())));
            keys.add(jwk);
        }
        try {
            return JSON.writeValueAsString(Map.of("keys", keys));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] coordinate(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] fixed = new byte[32];
        int length = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - length, fixed, 32 - length, length);
        return fixed;
    }

    private static String encode(Object value) throws IOException {
        return B64URL.encodeToString(JSON.writeValueAsBytes(value));
    }

    private static SigningKey newKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return new SigningKey("metadata-" + UUID.randomUUID().toString().substring(0, 8),
                    generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
