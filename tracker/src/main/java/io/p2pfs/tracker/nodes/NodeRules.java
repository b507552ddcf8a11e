package io.p2pfs.tracker.nodes;

import io.p2pfs.common.keys.EcJwk;
import io.p2pfs.common.chunks.NodeProofs;
import io.p2pfs.common.problem.BadRequest;
import io.p2pfs.common.problem.Forbidden;
import java.security.interfaces.ECPublicKey;
import java.util.Map;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;
import java.net.URI;
import java.util.UUID;
import java.util.regex.Pattern;

/** Validation of node registrations and heartbeats. */
final class NodeRules {

    static final Pattern ZONE = Pattern.compile("^[a-z0-9][a-z0-9-]{0,31}$");

    private NodeRules() {
    }

    /**
     * A registration as it may be stored: an https URL (http only where configured), a capacity
     * capped to the configured maximum, a zone among the configured ones, a P-256 public key, and
     * a proof signed with that key for this URL (403 without one).
     */
    static NodeApi.RegisterNodeRequest validate(NodeApi.RegisterNodeRequest body, TrackerConfig config) {
        if (body == null) {
            throw new BadRequest("A body {url, capacityBytes, zone, publicKey, proof} is required.");
        }
        if (body.url() == null || !isServiceUrl(body.url(), config.allowHttpNodes())) {
            throw new BadRequest("url must be an absolute https URL with a host and no query or fragment.");
        }
        if (body.capacityBytes() == null || body.capacityBytes() <= 0) {
            throw new BadRequest("capacityBytes must be a positive number of bytes.");
        }
        if (body.zone() == null || !ZONE.matcher(body.zone()).matches()) {
            throw new BadRequest("zone must match " + ZONE.pattern() + ".");
        }
        if (!config.zones().contains("*") && !config.zones().contains(body.zone())) {
            throw new BadRequest("zone must be one of " + new java.util.TreeSet<>(config.zones()) + ".");
        }
        ECPublicKey key = EcJwk.parse(body.publicKey());
        String url = stripSlash(body.url());
        try {
            NodeProofs.verify(body.proof(), NodeProofs.REGISTER, url, key, java.time.Instant.now(), config.proofWindow());
        } catch (NodeProofs.InvalidProof e) {
            throw new Forbidden("Registration refused: " + e.getMessage() + ".");
        }
        long capacity = Math.min(body.capacityBytes(), config.maxCapacity().asLongValue());
        return new NodeApi.RegisterNodeRequest(url, capacity, body.zone(), EcJwk.publicJwk(key), body.proof());
    }

    /** 403 unless the heartbeat's proof is for {@code nodeId} and verifies with the key the node registered. */
    static void requireProof(NodeApi.HeartbeatRequest beat, UUID nodeId, String storedKey, TrackerConfig config) {
        if (storedKey == null) {
            throw new Forbidden("Node " + nodeId + " has no registered key; register again.");
        }
        try {
            NodeProofs.verify(beat.proof(), NodeProofs.HEARTBEAT, nodeId.toString(), EcJwk.parse(jwk(storedKey)),
                    java.time.Instant.now(), config.proofWindow());
        } catch (NodeProofs.InvalidProof e) {
            throw new Forbidden("Heartbeat refused: " + e.getMessage() + ".");
        }
    }

    /** A stored key as JSON members again. */
    static Map<String, Object> jwk(String json) {
        try {
            return JsonUtil.parseJson(json);
        } catch (JoseException e) {
            throw new IllegalStateException("unreadable stored node key", e);
        }
    }

    static NodeApi.HeartbeatRequest validate(NodeApi.HeartbeatRequest body) {
        if (body == null || body.usedBytes() == null || body.chunkCount() == null) {
            throw new BadRequest("A body {usedBytes, chunkCount} is required.");
        }
        if (body.usedBytes() < 0 || body.chunkCount() < 0) {
            throw new BadRequest("usedBytes and chunkCount must not be negative.");
        }
        return body;
    }

    static UUID nodeId(String raw) {
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("Node ids are UUIDs.");
        }
    }

    static NodeState state(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return NodeState.valueOf(raw.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadRequest("state must be one of UP, DOWN, DRAINING, REMOVED, QUARANTINED.");
        }
    }

    /** The reason of a quarantine: required, one line of at most 500 printable characters. */
    static String quarantineReason(NodeApi.QuarantineRequest body) {
        String reason = body == null || body.reason() == null ? "" : body.reason().strip();
        if (reason.isEmpty()) {
            throw new BadRequest("A quarantine needs a reason: {\"reason\": \"...\"}.");
        }
        if (reason.length() > 500 || reason.codePoints().anyMatch(c -> Character.isISOControl(c)
                || Character.getType(c) == Character.FORMAT)) {
            throw new BadRequest("The reason is one line of at most 500 printable characters.");
        }
        return reason;
    }

    private static boolean isServiceUrl(String raw, boolean allowHttp) {
        try {
            URI uri = new URI(raw);
            return uri.isAbsolute() && ("https".equals(uri.getScheme()) || allowHttp && "http".equals(uri.getScheme()))
                    && uri.getHost() != null && uri.getQuery() == null && uri.getFragment() == null
                    && uri.getUserInfo() == null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
