package io.p2pfs.common.chunks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The storage receipt contract. A peer answers every successful chunk PUT with a receipt: a
 * compact JWS (RFC 7515), {@code alg ES256}, {@code typ} {@value #TYPE}, {@code kid} the
 * thumbprint of the node's key, over the JSON payload {@code {chunkId, nodeId, size, iat}}
 * ({@code iat} in seconds since the epoch), signed with the node's own P-256 key. A client
 * cannot make one: the metadata service commits a new chunk only with receipts verified against
 * the keys the nodes registered, so a commit proves that the chunk's bytes reached those nodes.
 */
public final class StorageReceipts {

    public static final String TYPE = "p2pfs-receipt+jws";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Far above a real receipt (~330 bytes): longer strings are refused unparsed. */
    private static final int MAX_LENGTH = 2048;

    private StorageReceipts() {
    }

    /** What a receipt states. */
    public record Receipt(String chunkId, String nodeId, long size, long issuedAt) {
    }

    /** A receipt that does not parse, names the wrong algorithm, or whose signature does not verify. */
    public static final class InvalidReceipt extends Exception {
        public InvalidReceipt(String reason) {
            super(reason, null, false, false);
        }
    }

    public static String sign(Receipt receipt, PrivateKey key, String keyId) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("chunkId", receipt.chunkId());
        payload.put("nodeId", receipt.nodeId());
        payload.put("size", receipt.size());
        payload.put("iat", receipt.issuedAt());
        try {
            return NodeJws.sign(JSON.writeValueAsString(payload), TYPE, key, keyId);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot sign a storage receipt", e);
        }
    }

    /**
     * What a receipt claims, before its signature is checked: the node it names tells whose key
     * must verify it ({@link #verify}).
     */
    public static Receipt claims(String compact) throws InvalidReceipt {
        if (compact == null || compact.length() > MAX_LENGTH) {
            throw new InvalidReceipt("not a receipt");
        }
        JsonNode body = NodeJws.payload(compact, TYPE)
                .orElseThrow(() -> new InvalidReceipt("not an ES256 storage receipt"));
        String chunkId = body.path("chunkId").asText(null);
        String nodeId = body.path("nodeId").asText(null);
        if (!ChunkId.isValid(chunkId) || nodeId == null || !body.path("size").canConvertToLong()
                || !body.path("iat").canConvertToLong()) {
            throw new InvalidReceipt("the receipt lacks chunkId, nodeId, size or iat");
        }
        return new Receipt(chunkId, nodeId, body.path("size").asLong(), body.path("iat").asLong());
    }

    /** The receipt's claims if {@code key} verifies its ES256 signature. */
    public static Receipt verify(String compact, PublicKey key) throws InvalidReceipt {
        Receipt claims = claims(compact);
        verifySignature(compact, key);
        return claims;
    }

    /**
     * Only the signature of a receipt whose claims were already read ({@link #claims}): ES256 by
     * {@code key}, or {@link InvalidReceipt}.
     */
    public static void verifySignature(String compact, PublicKey key) throws InvalidReceipt {
        if (!NodeJws.verifies(compact, key)) {
            throw new InvalidReceipt("the signature does not verify with the node's registered key");
        }
    }
}
