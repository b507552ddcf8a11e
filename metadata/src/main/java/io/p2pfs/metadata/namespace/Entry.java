package io.p2pfs.metadata.namespace;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A directory or file. Its name is only ever stored sealed; {@code nameHmac} finds it. */
@Entity
@Table(name = "entries")
public class Entry extends PanacheEntityBase {

    public static final long ROOT_ID = 1L;
    public static final String DIR = "DIR";
    public static final String FILE = "FILE";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    @Column(name = "entry_id")
    public Long entryId;

    @Column(name = "parent_id")
    public Long parentId;

    @Column(name = "name_hmac", nullable = false)
    public byte[] nameHmac;

    @Column(name = "name_sealed", nullable = false)
    public byte[] nameSealed;

    @Column(name = "key_id", nullable = false)
    public String keyId;

    @Column(nullable = false)
    public String kind;

    @Column(name = "owner_id", nullable = false)
    public String ownerId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "current_version")
    public Integer currentVersion;

    public boolean isDir() {
        return DIR.equals(kind);
    }
}
