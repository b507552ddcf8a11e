package io.p2pfs.common.outbox;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One event waiting in the outbox for the relay (table created by {@code db/outbox}). */
@Entity
@Table(name = "outbox")
public class OutboxEvent extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "event_id", nullable = false, updatable = false)
    public UUID eventId;

    @Column(nullable = false, updatable = false)
    public String topic;

    @Column(name = "record_key", updatable = false)
    public String recordKey;

    @Column(name = "event_type", nullable = false, updatable = false)
    public String eventType;

    /** The whole CloudEvent, serialized once, exactly as it goes on the wire. */
    @Column(nullable = false, updatable = false)
    public String payload;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;
}
