package io.p2pfs.metadata.tokens;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An EC P-256 key pair that signs chunk tokens; the private half is sealed. */
@Entity
@Table(name = "signing_keys")
public class SigningKey extends PanacheEntityBase {

    @Id
    public String kid;

    @Column(name = "public_der", nullable = false)
    public byte[] publicDer;

    @Column(name = "private_sealed", nullable = false)
    public byte[] privateSealed;

    @Column(name = "key_id", nullable = false)
    public String keyId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "retired_at")
    public Instant retiredAt;
}
