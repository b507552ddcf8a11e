package io.p2pfs.common.chunks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A storage node's report of what it holds: one page of its inventory in chunk-id order, the
 * chunks with ids after {@code after} (exclusive; null from the start) up to the page's last id,
 * or to the end of the inventory when {@code last}. A compact JWS ({@code typ}
 * {@value #TYPE}, ES256) signed with the node's own P-256 key, so only the node itself can say
 * what it holds. Payload: {@code {nodeId, after, last, listedAt, chunks: [{chunkId, size,
 * writtenAt}]}}, times in seconds since the epoch; {@code writtenAt} is when the node last wrote
 * the chunk or was sent it again.
 */
public final class InventoryReports {

    public static final String TYPE = "p2pfs-inventory+jws";

    /** Chunks one report may name. */
    public static final int MAX_CHUNKS = 1000;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Far above a full page (about 130 bytes per chunk): longer strings are refused unparsed. */
    private static final int MAX_LENGTH = 200 * MAX_CHUNKS + 4096;

    private InventoryReports() {
    }

    public record Entry(String chunkId, long size, long writtenAt) {
    }

    public record Report(String nodeId, String after, boolean last, long listedAt, List<Entry> chunks) {
    }

    /** A report that does not parse, breaks the rules above, or whose signature does not verify. */
    public static final class InvalidReport extends Exception {
        public InvalidReport(String reason) {
            super(reason, null, false, false);
        }
    }

    public static String sign(Report report, PrivateKey key, String keyId) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("nodeId", report.nodeId());
        payload.put("after", report.after());
        payload.put("last", report.last());
        payload.put("listedAt", report.listedAt());
        List<Map<String, Object>> chunks = new ArrayList<>(report.chunks().size());
        for (Entry entry : report.chunks()) {
            Map<String, Object> chunk = new LinkedHashMap<>();
            chunk.put("chunkId", entry.chunkId());
            chunk.put("size", entry.size());
            chunk.put("writtenAt", entry.writtenAt());
            chunks.add(chunk);
        }
        payload.put("chunks", chunks);
        try {
            return NodeJws.sign(JSON.writeValueAsString(payload), TYPE, key, keyId);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot sign an inventory report", e);
        }
    }

    /** What a report claims, before its signature is checked (its node names the key to check it with). */
    public static Report claims(String compact) throws InvalidReport {
        if (compact == null || compact.length() > MAX_LENGTH) {
            throw new InvalidReport("not an inventory report (or longer than one page may be)");
        }
        JsonNode body = NodeJws.payload(compact, TYPE)
                .orElseThrow(() -> new InvalidReport("not an ES256 inventory report"));
        String nodeId = body.path("nodeId").asText(null);
        String after = body.path("after").isNull() || body.path("after").isMissingNode() ? null
                : body.path("after").asText();
        if (nodeId == null || !body.path("last").isBoolean() || !body.path("listedAt").canConvertToLong()
                || !body.path("chunks").isArray() || (after != null && !ChunkId.isValid(after))) {
            throw new InvalidReport("the report lacks nodeId, last, listedAt or chunks, or its after is no chunk id");
        }
        if (body.path("chunks").size() > MAX_CHUNKS) {
            throw new InvalidReport("a report names at most " + MAX_CHUNKS + " chunks");
        }
        List<Entry> chunks = new ArrayList<>();
        String previous = after;
        for (JsonNode chunk : body.path("chunks")) {
            String id = chunk.path("chunkId").asText(null);
            if (!ChunkId.isValid(id) || (previous != null && id.compareTo(previous) <= 0)
                    || !chunk.path("size").canConvertToLong() || !chunk.path("writtenAt").canConvertToLong()) {
                throw new InvalidReport("chunks must be valid ids in ascending order after 'after', each with size "
                        + "and writtenAt");
            }
            chunks.add(new Entry(id, chunk.path("size").asLong(), chunk.path("writtenAt").asLong()));
            previous = id;
        }
        if (!body.path("last").asBoolean() && chunks.isEmpty()) {
            throw new InvalidReport("a page that is not the last names at least one chunk");
        }
        return new Report(nodeId, after, body.path("last").asBoolean(), body.path("listedAt").asLong(),
                List.copyOf(chunks));
    }

    /** The report's claims if {@code key} verifies its ES256 signature. */
    public static Report verify(String compact, PublicKey key) throws InvalidReport {
        Report claims = claims(compact);
        if (!NodeJws.verifies(compact, key)) {
            throw new InvalidReport("the signature does not verify with the node's registered key");
        }
        return claims;
    }
}
