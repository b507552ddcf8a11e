package io.p2pfs.tracker.nodes;

import io.p2pfs.common.events.AuditData;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.outbox.Outbox;
import io.p2pfs.common.problem.Conflict;
import io.p2pfs.common.problem.NotFound;
import io.p2pfs.common.reactive.Sequence;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jose4j.json.JsonUtil;

/**
 * The node registry: registration, heartbeats, draining and the liveness sweep. Every state
 * change commits together with its {@code node.*} event.
 */
@ApplicationScoped
public class NodeService {

    /** Advisory lock key: one replica at a time runs the liveness sweep. */
    static final long LIVENESS_LOCK = 0x7032_7066_736c_6976L;

    /** The actor of state changes no caller made. */
    static final String SYSTEM = "system:tracker";

    private final Outbox outbox;
    private final TrackerConfig config;

    public NodeService(Outbox outbox, TrackerConfig config) {
        this.outbox = outbox;
        this.config = config;
    }

    public record Registered(Node node, boolean created) {
    }

    /**
     * Registers a node by URL; the same URL again (a restarted peer) keeps its node id, takes the
     * zone and capacity it sends now, counts as a fresh heartbeat and brings a DOWN node back UP
     * (a REMOVED one too: it joins again, holding nothing counted on). The URL stays bound to the
     * key it first registered with: another key is refused (409) unless the node was REMOVED, so
     * nobody who is not that node can take its URL over. The request's proof was checked against
     * the key it carries ({@link NodeRules#validate}).
     */
    @WithTransaction
    public Uni<Registered> register(NodeApi.RegisterNodeRequest request, String actor, String clientAddress) {
        Instant now = now();
        UUID candidate = UUID.randomUUID();
        String key = JsonUtil.toJson(request.publicKey());
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                "INSERT INTO nodes (node_id, url, zone, capacity_bytes, state, registered_by, registered_at, "
                        + "last_heartbeat_at, state_changed_at, public_key) VALUES (:id, :url, :zone, :capacity, "
                        + "'UP', :by, :now, :now, :now, :key) ON CONFLICT (url) DO NOTHING")
                .setParameter("id", candidate).setParameter("url", request.url()).setParameter("key", key)
                .setParameter("zone", request.zone()).setParameter("capacity", request.capacityBytes())
                .setParameter("by", actor).setParameter("now", now)
                .executeUpdate())
                .flatMap(inserted -> Node.<Node>find("url", request.url()).withLock(LockModeType.PESSIMISTIC_WRITE)
                        .firstResult()
                        .flatMap(node -> {
                            boolean created = inserted == 1;
                            NodeState previous = node.state;
                            if (!created && node.publicKey != null && previous != NodeState.REMOVED
                                    && !sameKey(node.publicKey, key)) {
                                throw new Conflict("Node " + node.nodeId + " at this URL registered another key. "
                                        + "A node keeps its key; an admin drains a node whose key is lost, and once it "
                                        + "is removed it may join with a new one.").with("nodeId", node.nodeId.toString());
                            }
                            if (!created) {
                                node.zone = request.zone();
                                node.capacityBytes = request.capacityBytes();
                                node.lastHeartbeatAt = now;
                                node.publicKey = key;
                                if (previous == NodeState.DOWN || previous == NodeState.REMOVED) {
                                    node.state = NodeState.UP;
                                    node.stateChangedAt = now;
                                }
                            }
                            Uni<Void> events = record(EventTypes.NODE_REGISTERED, node, previous, actor, clientAddress);
                            if (!created && previous == NodeState.DOWN) {
                                events = events.flatMap(v -> record(EventTypes.NODE_UP, node, previous, actor,
                                        clientAddress));
                            }
                            return events.replaceWith(new Registered(node, created));
                        }));
    }

    /**
     * Records a heartbeat signed with the node's registered key (403 otherwise, so no node can
     * keep another alive or report for it); a DOWN node comes back UP. Unknown node: 404 (the peer
     * re-registers).
     */
    @WithTransaction
    public Uni<Node> heartbeat(UUID nodeId, NodeApi.HeartbeatRequest beat, String actor) {
        return Node.<Node>findById(nodeId, LockModeType.PESSIMISTIC_WRITE).flatMap(node -> {
            if (node == null) {
                throw new NotFound("No node " + nodeId + "; register again.");
            }
            NodeRules.requireProof(beat, nodeId, node.publicKey, config);
            Instant now = now();
            node.usedBytes = beat.usedBytes();
            node.chunkCount = beat.chunkCount();
            node.lastHeartbeatAt = now;
            if (node.state == NodeState.DOWN) {
                node.state = NodeState.UP;
                node.stateChangedAt = now;
                return record(EventTypes.NODE_UP, node, NodeState.DOWN, actor, null).replaceWith(node);
            }
            return Uni.createFrom().item(node);
        });
    }

    /** Marks a node DRAINING (idempotent; a removed node stays removed). */
    @WithTransaction
    public Uni<Node> drain(UUID nodeId, String actor, String clientAddress) {
        return locked(nodeId).flatMap(node -> {
            if (node.state == NodeState.DRAINING || node.state == NodeState.REMOVED) {
                return Uni.createFrom().item(node);
            }
            NodeState previous = node.state;
            node.state = NodeState.DRAINING;
            node.stateChangedAt = now();
            return record(EventTypes.NODE_DRAINING, node, previous, actor, clientAddress).replaceWith(node);
        });
    }

    /**
     * Quarantines a node (idempotent: the first reason stays). A REMOVED node holds nothing to
     * quarantine: 409.
     */
    @WithTransaction
    public Uni<Node> quarantine(UUID nodeId, String reason, String actor, String clientAddress) {
        return locked(nodeId).flatMap(node -> {
            if (node.state == NodeState.QUARANTINED) {
                return Uni.createFrom().item(node);
            }
            if (node.state == NodeState.REMOVED) {
                throw new Conflict("Node " + nodeId + " is removed: it holds nothing anybody counts on.");
            }
            NodeState previous = node.state;
            node.state = NodeState.QUARANTINED;
            node.quarantineReason = reason;
            node.stateChangedAt = now();
            return record(EventTypes.NODE_QUARANTINED, node, previous, actor, clientAddress).replaceWith(node);
        });
    }

    /** Ends a quarantine: the node is DOWN until its next heartbeat. 409 for a node not quarantined. */
    @WithTransaction
    public Uni<Node> release(UUID nodeId, String actor, String clientAddress) {
        return locked(nodeId).flatMap(node -> {
            if (node.state != NodeState.QUARANTINED) {
                throw new Conflict("Node " + nodeId + " is not quarantined (it is " + node.state + ").")
                        .with("state", node.state.name());
            }
            node.state = NodeState.DOWN;
            node.quarantineReason = null;
            node.stateChangedAt = now();
            return record(EventTypes.NODE_RELEASED, node, NodeState.QUARANTINED, actor, clientAddress)
                    .replaceWith(node);
        });
    }

    /**
     * A DRAINING node the metadata service announced as removed becomes REMOVED (no event of its
     * own: {@code node.removed} is the event). Anything else is left as it is; answers whether the
     * node changed.
     */
    @WithTransaction
    public Uni<Boolean> removed(UUID nodeId) {
        return Node.<Node>findById(nodeId, LockModeType.PESSIMISTIC_WRITE).map(node -> {
            if (node == null || node.state != NodeState.DRAINING) {
                return false;
            }
            node.state = NodeState.REMOVED;
            node.stateChangedAt = now();
            return true;
        });
    }

    @WithSession
    public Uni<List<Node>> list(NodeState state) {
        return state == null ? Node.<Node>listAll(io.quarkus.panache.common.Sort.by("registeredAt"))
                : Node.<Node>list("state", io.quarkus.panache.common.Sort.by("registeredAt"), state);
    }

    @WithSession
    public Uni<Node> byId(UUID nodeId) {
        return Node.<Node>findById(nodeId).map(node -> {
            if (node == null) {
                throw new NotFound("No node " + nodeId + ".");
            }
            return node;
        });
    }

    /**
     * Marks every UP node whose last heartbeat is older than the allowed misses DOWN, with a
     * {@code node.down} event each. Runs only where the advisory lock is free, so with several
     * replicas one sweeps at a time; returns how many nodes went down.
     */
    @WithTransaction
    public Uni<Integer> markSilentNodesDown() {
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery("SELECT pg_try_advisory_xact_lock(:key)", Boolean.class)
                        .setParameter("key", LIVENESS_LOCK).getSingleResult())
                .flatMap(leader -> {
                    if (!Boolean.TRUE.equals(leader)) {
                        return Uni.createFrom().item(0);
                    }
                    Instant now = now();
                    Instant cutoff = now.minus(config.downAfter());
                    return Node.<Node>find("state = ?1 and lastHeartbeatAt < ?2", NodeState.UP, cutoff)
                            .withLock(LockModeType.PESSIMISTIC_WRITE).list()
                            .flatMap(silent -> {
                                for (Node node : silent) {
                                    node.state = NodeState.DOWN;
                                    node.stateChangedAt = now;
                                }
                                return Sequence.forEach(silent, node -> record(EventTypes.NODE_DOWN, node,
                                        NodeState.UP, SYSTEM, null)).replaceWith(silent.size());
                            });
                });
    }

    /** Whether two stored P-256 JWKs are the same key (by their coordinates). */
    private static boolean sameKey(String storedJson, String offeredJson) {
        Map<String, Object> stored = NodeRules.jwk(storedJson);
        Map<String, Object> offered = NodeRules.jwk(offeredJson);
        return java.util.Objects.equals(stored.get("x"), offered.get("x"))
                && java.util.Objects.equals(stored.get("y"), offered.get("y"));
    }

    private Uni<Void> record(String type, Node node, NodeState previous, String actor, String clientAddress) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("nodeId", node.nodeId.toString());
        details.put("url", node.url);
        details.put("zone", node.zone);
        details.put("capacityBytes", node.capacityBytes);
        details.put("state", node.state.name());
        details.put("previousState", previous.name());
        if (node.quarantineReason != null) {
            details.put("reason", node.quarantineReason);
        }
        details.put("lastHeartbeatAt", node.lastHeartbeatAt.toString());
        if (node.publicKey != null) {
            details.put("publicKey", NodeRules.jwk(node.publicKey));
        }
        String resource = "node:" + node.nodeId;
        AuditData data = AuditData.success(actor, type, resource, details).withClient(clientAddress, null);
        return outbox.record(Topics.NODES, node.nodeId.toString(), type, resource, data).replaceWithVoid();
    }

    /** The node, its row locked for this transaction; 404 if there is none. */
    private static Uni<Node> locked(UUID nodeId) {
        return Node.<Node>findById(nodeId, LockModeType.PESSIMISTIC_WRITE).map(node -> {
            if (node == null) {
                throw new NotFound("No node " + nodeId + ".");
            }
            return node;
        });
    }

    /** Microsecond precision, as PostgreSQL stores it, so what we return equals what we read back. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
