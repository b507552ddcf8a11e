package io.p2pfs.metadata.namespace;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** One immutable version of a file; its manifest is sealed. */
@Entity
@Table(name = "versions")
@IdClass(FileVersion.Key.class)
public class FileVersion extends PanacheEntityBase {

    @Id
    @Column(name = "entry_id")
    public Long entryId;

    @Id
    public Integer version;

    @Column(nullable = false)
    public long size;

    @Column(name = "content_sha256", nullable = false)
    public byte[] contentSha256;

    @Column(name = "manifest_sealed", nullable = false)
    public byte[] manifestSealed;

    @Column(name = "key_id", nullable = false)
    public String keyId;

    @Column(name = "chunk_count", nullable = false)
    public int chunkCount;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    public static class Key implements Serializable {
        public Long entryId;
        public Integer version;

        public Key() {
        }

        public Key(Long entryId, Integer version) {
            this.entryId = entryId;
            this.version = version;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(entryId, k.entryId) && Objects.equals(version, k.version);
        }

        @Override
        public int hashCode() {
            return Objects.hash(entryId, version);
        }
    }
}
