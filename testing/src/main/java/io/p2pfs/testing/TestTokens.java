package io.p2pfs.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Access tokens shaped like the ones Keycloak issues for realm {@code p2pfs}
 * ({@code preferred_username}, {@code realm_access.roles}, {@code groups}, audience
 * {@code p2pfs}), signed RS256 with a key pair made once per test JVM. The services verify them
 * for real against {@link #publicKeyBase64()}. Hostile variants (expired, other issuer or
 * audience, another key, tampered, {@code alg: none}) come from the same builder.
 */
public final class TestTokens {

    public static final String ISSUER = "https://keycloak.p2pfs.test/realms/p2pfs";
    public static final String AUDIENCE = "p2pfs";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KeyPair KEYS = rsa();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private TestTokens() {
    }

    /** The verification key as {@code quarkus.oidc.public-key} takes it (base64 X.509). */
    public static String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(KEYS.getPublic().getEncoded());
    }

    /** A user's token with role {@code user}. */
    public static Builder user(String login) {
        return new Builder(login).roles("user");
    }

    /** A storage peer's service-account token with role {@code node}. */
    public static Builder node() {
        return new Builder("service-account-p2pfs-node").roles("node");
    }

    public static final class Builder {
        private final Map<String, Object> claims = new LinkedHashMap<>();
        private String alg = "RS256";
        private PrivateKey key = KEYS.getPrivate();
        private boolean tamper;

        private Builder(String login) {
            Instant now = Instant.now();
            claims.put("iss", ISSUER);
            claims.put("aud", AUDIENCE);
            claims.put("sub", UUID.nameUUIDFromBytes(login.getBytes(StandardCharsets.UTF_8)).toString());
            claims.put("preferred_username", login);
            claims.put("iat", now.getEpochSecond());
            claims.put("exp", now.plus(Duration.ofMinutes(5)).getEpochSecond());
            claims.put("realm_access", Map.of("roles", List.of()));
            claims.put("groups", List.of());
        }

        public Builder roles(String... roles) {
            claims.put("realm_access", Map.of("roles", List.of(roles)));
            return this;
        }

        public Builder groups(String... groups) {
            claims.put("groups", List.of(groups));
            return this;
        }

        public Builder issuer(String issuer) {
            claims.put("iss", issuer);
            return this;
        }

        public Builder audience(String audience) {
            claims.put("aud", audience);
            return this;
        }

        public Builder claim(String name, Object value) {
            claims.put(name, value);
            return this;
        }

        public Builder expired() {
            long past = Instant.now().minus(Duration.ofMinutes(10)).getEpochSecond();
            claims.put("iat", past - 300);
            claims.put("exp", past);
            return this;
        }

        /** Signed by a key the services do not trust. */
        public Builder signedByStranger() {
            key = rsa().getPrivate();
            return this;
        }

        /** {@code alg: none} and no signature. */
        public Builder unsigned() {
            alg = "none";
            return this;
        }

        /** Signed, then a claim changed (the signature no longer matches). */
        public Builder tampered() {
            tamper = true;
            return this;
        }

        public String sign() {
            try {
                String header = encode(Map.of("alg", alg, "typ", "JWT", "kid", "p2pfs-test"));
                String payload = encode(claims);
                String signingInput = header + "." + payload;
                if (alg.equals("none")) {
                    return signingInput + ".";
                }
                Signature signer = Signature.getInstance("SHA256withRSA");
                signer.initSign(key);
                signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
                String signature = B64URL.encodeToString(signer.sign());
                if (tamper) {
                    Map<String, Object> forged = new LinkedHashMap<>(claims);
                    forged.put("realm_access", Map.of("roles", List.of("user", "admin", "auditor", "node")));
                    payload = encode(forged);
                }
                return header + "." + payload + "." + signature;
            } catch (GeneralSecurityException | java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String encode(Object value) throws java.io.IOException {
            return B64URL.encodeToString(JSON.writeValueAsBytes(value));
        }
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
