package io.p2pfs.metadata.locks;

import java.time.Instant;

/** Bodies of {@code /api/v1/locks/{path}}. The token appears only in {@link Granted}, once. */
public final class LockApi {

    private LockApi() {
    }

    /** POST body; {@code mode} defaults to EXCLUSIVE, {@code ttlSeconds} (1–3600) to the configured default. */
    public record LockRequest(LockMode mode, Integer ttlSeconds) {
    }

    /** PUT (renew) body, optional; without {@code ttlSeconds} the lock's own TTL applies again. */
    public record RenewRequest(Integer ttlSeconds) {
    }

    public record Granted(String lockToken, LockMode mode, Instant expiresAt, String owner, String path,
            int ttlSeconds) {
    }

    public record Renewed(LockMode mode, Instant expiresAt, String owner, String path, int ttlSeconds) {
    }

    /** DELETE {@code ?break=true} answer: the locks that were broken. */
    public record Broken(java.util.List<LockInfo> broken) {
    }

    /** A live lock as others may see it: who holds it and until when, never its token. */
    public record LockInfo(String path, LockMode mode, String owner, Instant acquiredAt, Instant expiresAt) {
    }
}
