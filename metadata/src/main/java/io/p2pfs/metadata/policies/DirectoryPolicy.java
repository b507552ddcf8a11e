package io.p2pfs.metadata.policies;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A directory's own policy settings; unset ones ({@code null}) are inherited. */
@Entity
@Table(name = "policies")
public class DirectoryPolicy extends PanacheEntityBase {

    @Id
    @Column(name = "entry_id")
    public Long entryId;

    @Enumerated(EnumType.STRING)
    @Column(name = "conflict_strategy")
    public ConflictStrategy conflictStrategy;

    @Column(name = "replication_factor")
    public Short replicationFactor;

    @Column(name = "keep_versions")
    public Integer keepVersions;

    @Column(name = "keep_days")
    public Integer keepDays;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public PolicySettings settings() {
        return new PolicySettings(conflictStrategy, replicationFactor == null ? null : replicationFactor.intValue(),
                keepVersions, keepDays);
    }

    public void apply(PolicySettings settings) {
        conflictStrategy = settings.conflictStrategy();
        replicationFactor = settings.replicationFactor() == null ? null : settings.replicationFactor().shortValue();
        keepVersions = settings.keepVersions();
        keepDays = settings.keepDays();
    }
}
