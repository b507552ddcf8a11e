package io.p2pfs.metadata.policies;

import io.p2pfs.common.problem.BadRequest;

/**
 * The settings a directory policy may set (request and response body). A {@code null} setting
 * is not set here and is inherited from the nearest ancestor that sets it.
 *
 * @param keepVersions retention: keep at least the newest N versions
 * @param keepDays     retention: keep at least the versions younger than N days
 */
public record PolicySettings(ConflictStrategy conflictStrategy, Integer replicationFactor, Integer keepVersions,
        Integer keepDays) {

    public static final PolicySettings NONE = new PolicySettings(null, null, null, null);

    /** 400 unless every setting that is set lies in its range. */
    public PolicySettings validated() {
        if (replicationFactor != null && (replicationFactor < 1 || replicationFactor > 5)) {
            throw new BadRequest("replicationFactor must be between 1 and 5.");
        }
        if (keepVersions != null && keepVersions < 1) {
            throw new BadRequest("keepVersions must be at least 1 (the current version is always kept).");
        }
        if (keepDays != null && keepDays < 1) {
            throw new BadRequest("keepDays must be at least 1.");
        }
        return this;
    }

    public boolean isEmpty() {
        return conflictStrategy == null && replicationFactor == null && keepVersions == null && keepDays == null;
    }
}
