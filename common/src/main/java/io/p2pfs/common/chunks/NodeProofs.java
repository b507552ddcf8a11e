package io.p2pfs.common.chunks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node's proof that it holds its key, for the tracker: a compact JWS ({@code typ}
 * {@value #TYPE}, ES256, signed with the node's own P-256 key) over {@code {purpose, subject,
 * iat}}. A registration carries one with {@code purpose} {@code register} and the node's URL as
 * {@code subject}, verified with the key it registers; a heartbeat one with {@code heartbeat}
 * and the node id, verified with the key the node registered. All peers may share one OAuth
 * client: the key, not the bearer token, says which node is speaking, so no node can register
 * over another's URL or heartbeat for it.
 */
public final class NodeProofs {

    public static final String TYPE = "p2pfs-node-proof+jws";
    public static final String REGISTER = "register";
    public static final String HEARTBEAT = "heartbeat";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LENGTH = 2048;

    private NodeProofs() {
    }

    /** A proof that does not parse, is for something else, is stale, or does not verify. */
    public static final class InvalidProof extends Exception {
        public InvalidProof(String reason) {
            super(reason, null, false, false);
        }
    }

    public static String sign(String purpose, String subject, Instant at, PrivateKey key, String keyId) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("purpose", purpose);
        payload.put("subject", subject);
        payload.put("iat", at.getEpochSecond());
        try {
            return NodeJws.sign(JSON.writeValueAsString(payload), TYPE, key, keyId);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot sign a node proof", e);
        }
    }

    /**
     * Checks that {@code compact} is a proof for {@code purpose} and {@code subject}, made within
     * {@code window} of {@code now}, signed by {@code key}.
     */
    public static void verify(String compact, String purpose, String subject, PublicKey key, Instant now,
            Duration window) throws InvalidProof {
        if (compact == null || compact.isEmpty()) {
            throw new InvalidProof("a proof signed with the node's key is required");
        }
        if (compact.length() > MAX_LENGTH) {
            throw new InvalidProof("not a node proof");
        }
        JsonNode body = NodeJws.payload(compact, TYPE).orElseThrow(() -> new InvalidProof("not an ES256 node proof"));
        if (!purpose.equals(body.path("purpose").asText()) || !subject.equals(body.path("subject").asText())) {
            throw new InvalidProof("the proof is for another " + (REGISTER.equals(purpose) ? "URL" : "node")
                    + " or purpose");
        }
        if (!body.path("iat").canConvertToLong()
                || Math.abs(now.getEpochSecond() - body.path("iat").asLong()) > window.toSeconds()) {
            throw new InvalidProof("the proof is not from the last " + window.toSeconds() + " s (check the node's clock)");
        }
        if (!NodeJws.verifies(compact, key)) {
            throw new InvalidProof("the proof does not verify with the node's key");
        }
    }
}
