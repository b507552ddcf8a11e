package io.p2pfs.metadata.nodes;

import io.p2pfs.common.keys.EcJwk;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.interfaces.ECPublicKey;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The storage nodes' registered public keys, as the tracker announced them, parsed once per
 * distinct key. A node without a usable key has none here, and its receipts verify with nothing.
 */
@ApplicationScoped
public class NodeKeys {

    /** A node as a receipt check sees it. */
    public record KnownNode(UUID nodeId, boolean up, ECPublicKey key) {
    }

    private final Map<String, ECPublicKey> parsed = new ConcurrentHashMap<>();

    /** The nodes among {@code ids} this service knows, in the caller's session. */
    public Uni<Map<UUID, KnownNode>> load(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return StorageNode.<StorageNode>list("nodeId in ?1", ids).map(nodes -> {
            Map<UUID, KnownNode> known = new HashMap<>();
            for (StorageNode node : nodes) {
                known.put(node.nodeId, new KnownNode(node.nodeId, node.isUp(), key(node)));
            }
            return known;
        });
    }

    private ECPublicKey key(StorageNode node) {
        if (node.publicKey == null) {
            return null;
        }
        ECPublicKey cached = parsed.get(node.publicKey);
        if (cached != null) {
            return cached;
        }
        try {
            ECPublicKey key = EcJwk.parseStored(node.publicKey);
            if (parsed.size() > 10_000) {
                parsed.clear();
            }
            parsed.put(node.publicKey, key);
            return key;
        } catch (IllegalArgumentException e) {
            Log.warnf("Node %s has an unusable public key; its receipts cannot be verified", node.nodeId);
            return null;
        }
    }
}
