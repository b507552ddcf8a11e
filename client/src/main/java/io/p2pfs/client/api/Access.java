package io.p2pfs.client.api;

import java.time.Instant;
import java.util.List;

/**
 * The bodies of the sharing and locking endpoints ({@code /api/v1/acl}, {@code /locks}) and of
 * the tracker's user records.
 */
public final class Access {

    private Access() {
    }

    /** A principal ({@code user:<id>}, {@code group:<name>}, {@code authenticated}) and what it may do. */
    public record AclEntry(String principal, List<String> permissions) {
    }

    /** What {@code PUT /acl/{path}} takes: the entries replace the path's own ACL. */
    public record AclDocument(boolean inherit, List<AclEntry> entries) {
    }

    /** A path's own ACL, its owner, and what the caller holds there. */
    public record AclView(String path, String owner, boolean inherit, List<AclEntry> entries,
            List<String> yourPermissions) {
    }

    /** {@code mode}: EXCLUSIVE or SHARED; {@code ttlSeconds}: 1–3600, null for the service's default. */
    public record LockRequest(String mode, Integer ttlSeconds) {
    }

    /** A lock just taken: its token is shown this once. */
    public record LockGranted(String lockToken, String mode, Instant expiresAt, String owner, String path,
            int ttlSeconds) {
    }

    public record LockRenewed(String mode, Instant expiresAt, String owner, String path, int ttlSeconds) {
    }

    /** A live lock as anyone who may read the path sees it (never its token). */
    public record LockInfo(String path, String mode, String owner, Instant acquiredAt, Instant expiresAt) {
    }

    /** The answer of breaking the locks on a path. */
    public record LocksBroken(List<LockInfo> broken) {
    }

    /** The tracker's record of a user: the user id, the login it belongs to, since when. */
    public record User(String userId, String login, Instant registeredAt) {
    }
}
