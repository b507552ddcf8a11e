package io.p2pfs.metadata.conflicts;

import io.p2pfs.metadata.policies.ConflictStrategy;
import java.util.Objects;

/**
 * What an upload's commit does, given the version it is based on and the one current when it
 * commits. No conflict: commit the next version. Otherwise {@code If-None-Match: *}
 * fails (it creates only), and the directory's strategy decides the rest.
 */
public enum ConflictResolution {
    /** No other version was committed meanwhile: commit the next version. */
    COMMIT,
    /** 412 with the current ETag; nothing is committed. */
    FAIL,
    /** Commit as the next version anyway; the other stays in the history. */
    COMMIT_NEXT,
    /** Commit as version 1 of a new file beside the conflicting one. */
    KEEP_BOTH;

    /**
     * @param baseVersion    the version the upload is based on ({@code null}: it expected no file)
     * @param currentVersion the version current at commit ({@code null}: no file)
     * @param createOnly     the upload carried {@code If-None-Match: *}
     */
    public static ConflictResolution decide(ConflictStrategy strategy, Integer baseVersion, Integer currentVersion,
            boolean createOnly) {
        if (Objects.equals(baseVersion, currentVersion)) {
            return COMMIT;
        }
        if (createOnly) {
            return FAIL;
        }
        return switch (strategy) {
            case FAIL -> FAIL;
            case LAST_WRITER_WINS -> COMMIT_NEXT;
            case KEEP_BOTH -> KEEP_BOTH;
        };
    }

    /** Whether this outcome is a conflict the strategy resolved (and so a {@code file.conflict} event). */
    public boolean isConflict() {
        return this != COMMIT;
    }
}
