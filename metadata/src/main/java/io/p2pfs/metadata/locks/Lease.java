package io.p2pfs.metadata.locks;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/** One granted lock on an entry (and its subtree), live until {@code expiresAt}. */
@Entity
@Table(name = "locks")
public class Lease extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    @Column(name = "lock_id")
    public Long lockId;

    @Column(name = "entry_id", nullable = false)
    public Long entryId;

    /** Entry ids from the root down to {@link #entryId}: {@code /1/7/42/}. */
    @Column(name = "entry_path", nullable = false)
    public String entryPath;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public LockMode mode;

    @Column(name = "owner_id", nullable = false)
    public String ownerId;

    @Column(name = "token_hash", nullable = false)
    public byte[] tokenHash;

    @Column(name = "ttl_seconds", nullable = false)
    public int ttlSeconds;

    @Column(name = "acquired_at", nullable = false)
    public Instant acquiredAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    /** Whether {@code presented} (hashes of the caller's tokens) holds this lock for {@code caller}. */
    public boolean heldBy(String caller, Collection<byte[]> presented) {
        return ownerId.equals(caller) && presented.stream().anyMatch(h -> Arrays.equals(h, tokenHash));
    }

    public static String entryPath(List<Long> rootFirstIds) {
        StringBuilder path = new StringBuilder("/");
        rootFirstIds.forEach(id -> path.append(id).append('/'));
        return path.toString();
    }
}
