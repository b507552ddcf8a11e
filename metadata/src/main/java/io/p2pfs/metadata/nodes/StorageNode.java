package io.p2pfs.metadata.nodes;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A storage node as the tracker's {@code p2pfs.nodes} events describe it. */
@Entity
@Table(name = "nodes")
public class StorageNode extends PanacheEntityBase {

    @Id
    @Column(name = "node_id")
    public UUID nodeId;

    @Column(nullable = false)
    public String url;

    @Column(nullable = false)
    public String zone;

    @Column(name = "capacity_bytes", nullable = false)
    public long capacityBytes;

    /** UP, DOWN, DRAINING or QUARANTINED, as the tracker says; REMOVED once drained. */
    @Column(nullable = false)
    public String state;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** The node's public key (P-256 JWK, JSON text): storage receipts must verify with it. */
    @Column(name = "public_key")
    public String publicKey;

    /** Since when the node is DOWN without a break; null while it is not DOWN. */
    @Column(name = "down_since")
    public Instant downSince;

    /** When repair gave the node's replicas up for lost (DOWN past the grace period); null once it is back. */
    @Column(name = "lost_at")
    public Instant lostAt;

    /** When the chunks of a DRAINING node were queued to be copied elsewhere. */
    @Column(name = "drain_queued_at")
    public Instant drainQueuedAt;

    /** When a drained node was removed: it holds nothing this service counts on any more. */
    @Column(name = "removed_at")
    public Instant removedAt;

    public boolean isUp() {
        return "UP".equals(state);
    }

    public boolean isRemoved() {
        return removedAt != null;
    }
}
