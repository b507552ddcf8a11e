package io.p2pfs.metadata.uploads;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** An upload in progress (or ended): who writes, where to, on which base version, until when. */
@Entity
@Table(name = "upload_sessions")
public class UploadSession extends PanacheEntityBase {

    public static final String OPEN = "OPEN";
    public static final String COMMITTED = "COMMITTED";
    public static final String ABORTED = "ABORTED";

    @Id
    @Column(name = "upload_id")
    public UUID uploadId;

    @Column(name = "user_id", nullable = false)
    public String userId;

    /** The target path, sealed with the names key; associated data: the upload id. */
    @Column(name = "path_sealed", nullable = false)
    public byte[] pathSealed;

    /** Master key id of the sealed path and of the writer's convergence key. */
    @Column(name = "key_id", nullable = false)
    public String keyId;

    /** The file the upload replaces (null: it expected none). */
    @Column(name = "entry_id")
    public Long entryId;

    @Column(name = "base_version")
    public Integer baseVersion;

    @Column(name = "create_only", nullable = false)
    public boolean createOnly;

    @Column(name = "replication_factor", nullable = false)
    public short replicationFactor;

    @Column(name = "write_quorum", nullable = false)
    public short writeQuorum;

    @Column(nullable = false)
    public String state;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "ended_at")
    public Instant endedAt;

    @Column(name = "committed_version")
    public Integer committedVersion;
}
