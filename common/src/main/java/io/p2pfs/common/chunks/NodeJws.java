package io.p2pfs.common.chunks;

import java.security.PrivateKey;
import java.security.PublicKey;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.lang.JoseException;

/** The compact ES256 JWS a storage node signs with its own key (storage receipts, inventory reports). */
final class NodeJws {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private NodeJws() {
    }

    static String sign(String payloadJson, String type, PrivateKey key, String keyId) {
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(payloadJson);
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
            jws.setHeader("typ", type);
            jws.setKeyIdHeaderValue(keyId);
            jws.setKey(key);
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign a " + type, e);
        }
    }

    /**
     * The payload of a compact ES256 JWS whose {@code typ} is {@code type}, its signature not yet
     * checked; empty when {@code compact} is no such thing.
     */
    static java.util.Optional<com.fasterxml.jackson.databind.JsonNode> payload(String compact, String type) {
        String[] parts = compact.split("\\.", -1);
        if (parts.length != 3) {
            return java.util.Optional.empty();
        }
        try {
            var header = JSON.readTree(java.util.Base64.getUrlDecoder().decode(parts[0]));
            if (!"ES256".equals(header.path("alg").asText()) || !type.equals(header.path("typ").asText())) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(JSON.readTree(new String(java.util.Base64.getUrlDecoder().decode(parts[1]),
                    java.nio.charset.StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException | java.io.IOException e) {
            return java.util.Optional.empty();
        }
    }

    /** Whether {@code key} verifies the ES256 signature of {@code compact} (no other algorithm is taken). */
    static boolean verifies(String compact, PublicKey key) {
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                    AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256));
            jws.setCompactSerialization(compact);
            jws.setKey(key);
            return jws.verifySignature();
        } catch (JoseException e) {
            return false;
        }
    }
}
