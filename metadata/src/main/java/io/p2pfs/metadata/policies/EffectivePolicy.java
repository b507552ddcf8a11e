package io.p2pfs.metadata.policies;

import java.util.List;

/**
 * The policy that applies at a path: each setting from the nearest directory (the path itself
 * or an ancestor) that sets it, else the service default. Retention settings have no default
 * (unset: every version is kept).
 */
public record EffectivePolicy(ConflictStrategy conflictStrategy, int replicationFactor, Integer keepVersions,
        Integer keepDays) {

    /**
     * @param rootFirst the policies on the path's directories, root first (a directory without a
     *                  policy contributes {@link PolicySettings#NONE} or nothing)
     */
    public static EffectivePolicy resolve(List<PolicySettings> rootFirst, ConflictStrategy defaultStrategy,
            int defaultReplicationFactor) {
        ConflictStrategy strategy = defaultStrategy;
        int replicationFactor = defaultReplicationFactor;
        Integer keepVersions = null;
        Integer keepDays = null;
        for (PolicySettings own : rootFirst) {
            if (own.conflictStrategy() != null) {
                strategy = own.conflictStrategy();
            }
            if (own.replicationFactor() != null) {
                replicationFactor = own.replicationFactor();
            }
            if (own.keepVersions() != null) {
                keepVersions = own.keepVersions();
            }
            if (own.keepDays() != null) {
                keepDays = own.keepDays();
            }
        }
        return new EffectivePolicy(strategy, replicationFactor, keepVersions, keepDays);
    }

    public PolicySettings asSettings() {
        return new PolicySettings(conflictStrategy, replicationFactor, keepVersions, keepDays);
    }
}
