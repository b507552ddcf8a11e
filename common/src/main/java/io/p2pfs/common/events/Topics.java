package io.p2pfs.common.events;

import java.util.List;

/** The Kafka topics of the system: one constant each, named as on the broker. */
public final class Topics {

    public static final String USERS = "p2pfs.users";
    public static final String NODES = "p2pfs.nodes";
    public static final String FILES = "p2pfs.files";
    public static final String LOCKS = "p2pfs.locks";
    public static final String ACLS = "p2pfs.acls";
    public static final String ACCESS = "p2pfs.access";
    public static final String CHUNK_PLACEMENTS = "p2pfs.chunks.placements";
    public static final String CHUNK_CONFIRMATIONS = "p2pfs.chunks.confirmations";
    public static final String AUDIT_DLQ = "p2pfs.audit.dlq";
    /** Records the metadata service's consumers could never apply, each with its origin and error. */
    public static final String METADATA_DLQ = "p2pfs.metadata.dlq";
    /** Signed tree heads of the audit log, one record per head (a copy of the log's history kept off its database). */
    public static final String AUDIT_TREE_HEADS = "p2pfs.audit.tree-heads";

    public static final List<String> ALL = List.of(USERS, NODES, FILES, LOCKS, ACLS, ACCESS, CHUNK_PLACEMENTS,
            CHUNK_CONFIRMATIONS, AUDIT_DLQ, METADATA_DLQ, AUDIT_TREE_HEADS);

    private Topics() {
    }
}
