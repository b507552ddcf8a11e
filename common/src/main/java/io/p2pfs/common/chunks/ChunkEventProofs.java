package io.p2pfs.common.chunks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who says a chunk event: every event a node publishes on {@code p2pfs.chunks.confirmations}
 * ({@code chunk.stored}, {@code chunk.deleted}, {@code chunk.corrupt},
 * {@code chunk.placement-failed}) carries a {@code proof} in its data, a compact JWS
 * ({@code typ} {@value #TYPE}, ES256, signed with the node's own key) over
 * {@code {type, chunkId, nodeId, iat}}. The metadata service counts the event only if the key
 * the named node registered verifies it, so whoever can write to the topic still cannot confirm,
 * delete or condemn a replica in another node's name.
 *
 * <p>There is no freshness window: an event may wait in Kafka for as long as its consumer is down.
 * A replayed proof says again what the node once said, and the replica rules bound what that can
 * do (a confirmation counts only for a copy metadata asked that node for).
 */
public final class ChunkEventProofs {

    public static final String TYPE = "p2pfs-chunk-event+jws";
    /** The field of the event's data that holds the proof. */
    public static final String FIELD = "proof";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LENGTH = 2048;

    private ChunkEventProofs() {
    }

    /** A proof that does not parse, states something else, or does not verify. */
    public static final class InvalidProof extends Exception {
        public InvalidProof(String reason) {
            super(reason, null, false, false);
        }
    }

    public static String sign(String type, String chunkId, String nodeId, Instant at, PrivateKey key, String keyId) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("type", type);
        payload.put("chunkId", chunkId);
        payload.put("nodeId", nodeId);
        payload.put("iat", at.getEpochSecond());
        try {
            return NodeJws.sign(JSON.writeValueAsString(payload), TYPE, key, keyId);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot sign a chunk event", e);
        }
    }

    /** Checks that {@code compact} states exactly this event and that {@code key} signed it. */
    public static void verify(String compact, String type, String chunkId, String nodeId, PublicKey key)
            throws InvalidProof {
        if (compact == null || compact.isEmpty()) {
            throw new InvalidProof("the event carries no proof of its node");
        }
        if (compact.length() > MAX_LENGTH) {
            throw new InvalidProof("not a chunk event proof");
        }
        JsonNode body = NodeJws.payload(compact, TYPE).orElseThrow(() -> new InvalidProof("not an ES256 chunk event proof"));
        if (!type.equals(body.path("type").asText()) || !chunkId.equals(body.path("chunkId").asText())
                || !nodeId.equals(body.path("nodeId").asText())) {
            throw new InvalidProof("the proof states another event");
        }
        if (key == null) {
            throw new InvalidProof("the node has no registered key");
        }
        if (!NodeJws.verifies(compact, key)) {
            throw new InvalidProof("the proof does not verify with the node's registered key");
        }
    }
}
