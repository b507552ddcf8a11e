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

    /** UP, DOWN or DRAINING, as the tracker says. */
    @Column(nullable = false)
    public String state;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** The node's public key (P-256 JWK, JSON text): storage receipts must verify with it. */
    @Column(name = "public_key")
    public String publicKey;

    public boolean isUp() {
        return "UP".equals(state);
    }
}
