package io.p2pfs.common.events;

/** CloudEvent {@code type} values. */
public final class EventTypes {

    public static final String USER_REGISTERED = "user.registered";

    public static final String NODE_REGISTERED = "node.registered";
    public static final String NODE_DOWN = "node.down";
    public static final String NODE_UP = "node.up";
    public static final String NODE_DRAINING = "node.draining";
    public static final String NODE_REMOVED = "node.removed";
    public static final String NODE_QUARANTINED = "node.quarantined";
    public static final String NODE_RELEASED = "node.released";

    public static final String FILE_UPLOADED = "file.uploaded";
    public static final String FILE_DELETED = "file.deleted";
    public static final String FILE_RESTORED = "file.restored";
    public static final String DIR_CREATED = "dir.created";
    /** A file was moved or renamed ({@code details.from}, {@code details.to}). */
    public static final String FILE_MOVED = "file.moved";
    /** A directory was moved or renamed with everything below it. */
    public static final String DIR_MOVED = "dir.moved";
    public static final String FILE_CONFLICT = "file.conflict";
    /** Retention let old versions of a file go without a new upload (the sweep). */
    public static final String VERSIONS_PRUNED = "file.versions-pruned";

    public static final String LOCK_ACQUIRED = "lock.acquired";
    public static final String LOCK_RENEWED = "lock.renewed";
    public static final String LOCK_RELEASED = "lock.released";
    public static final String LOCK_EXPIRED = "lock.expired";
    public static final String LOCK_BROKEN = "lock.broken";
    public static final String LOCK_DENIED = "lock.denied";

    public static final String ACL_CHANGED = "acl.changed";
    public static final String POLICY_CHANGED = "policy.changed";
    /** Everything sealed under older master keys was moved to the active one. */
    public static final String KEYS_REENCRYPTED = "keys.reencrypted";
    /** An administrator set or cleared a user's storage limit ({@code details.before}, {@code details.after}). */
    public static final String QUOTA_CHANGED = "quota.changed";

    public static final String FILE_DOWNLOADED = "file.downloaded";
    public static final String ACCESS_DENIED = "access.denied";
    /** An administrator acted where only the admin role allowed it (audited). */
    public static final String ADMIN_OVERRIDE = "access.admin-override";
    /** A commit was refused because it would take its owner's usage past the storage limit (507). */
    public static final String QUOTA_EXCEEDED = "quota.exceeded";

    public static final String CHUNK_PLACEMENT_REQUESTED = "chunk.placement-requested";
    public static final String CHUNK_DELETE_REQUESTED = "chunk.delete-requested";
    public static final String CHUNK_STORED = "chunk.stored";
    public static final String CHUNK_DELETED = "chunk.deleted";
    public static final String CHUNK_CORRUPT = "chunk.corrupt";
    public static final String CHUNK_PLACEMENT_FAILED = "chunk.placement-failed";

    private EventTypes() {
    }
}
