package io.p2pfs.tracker.nodes;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A storage node (peer agent) and its liveness. */
@Entity
@Table(name = "nodes")
public class Node extends PanacheEntityBase {

    @Id
    @Column(name = "node_id")
    public UUID nodeId;

    @Column(nullable = false, unique = true)
    public String url;

    @Column(nullable = false)
    public String zone;

    @Column(name = "capacity_bytes", nullable = false)
    public long capacityBytes;

    @Column(name = "used_bytes", nullable = false)
    public long usedBytes;

    @Column(name = "chunk_count", nullable = false)
    public long chunkCount;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public NodeState state;

    @Column(name = "registered_by", nullable = false)
    public String registeredBy;

    @Column(name = "registered_at", nullable = false)
    public Instant registeredAt;

    @Column(name = "last_heartbeat_at", nullable = false)
    public Instant lastHeartbeatAt;

    @Column(name = "state_changed_at", nullable = false)
    public Instant stateChangedAt;

    /** The node's public key, a P-256 JWK as JSON text (null only for rows older than node keys). */
    @Column(name = "public_key")
    public String publicKey;

    /** Why an admin quarantined the node (while it is QUARANTINED). */
    @Column(name = "quarantine_reason")
    public String quarantineReason;
}
