package io.p2pfs.metadata.uploads;

import io.p2pfs.common.problem.PreconditionFailed;
import io.p2pfs.metadata.core.ETags;
import io.p2pfs.metadata.namespace.Entry;
import io.p2pfs.metadata.policies.ConflictStrategy;

/** The conditions an upload starts with: {@code If-Match} and {@code If-None-Match: *} (create only). */
public record UploadConditions(String ifMatch, boolean createOnly) {

    /**
     * The version the upload is based on: the current one, or the one {@code If-Match} names
     * ({@code null}: it expects no file). Naming an older version is a conflict from the start;
     * only FAIL refuses it here, the other strategies resolve it at commit.
     */
    public static Integer baseVersion(UploadConditions conditions, Entry existing, ConflictStrategy strategy) {
        boolean exists = existing != null && existing.currentVersion != null;
        if (conditions.createOnly() && exists) {
            throw new PreconditionFailed("The file exists and If-None-Match: * asked to create only.")
                    .with("currentEtag", ETags.of(existing.entryId, existing.currentVersion))
                    .withHeader("ETag", ETags.of(existing.entryId, existing.currentVersion));
        }
        if (conditions.ifMatch() == null) {
            return exists ? existing.currentVersion : null;
        }
        Integer named = exists ? ETags.namedVersion(conditions.ifMatch(), existing.entryId, existing.currentVersion)
                : null;
        if (named == null || (!named.equals(existing.currentVersion) && strategy == ConflictStrategy.FAIL)) {
            PreconditionFailed failed = new PreconditionFailed("If-Match does not name the current version.");
            if (exists) {
                String current = ETags.of(existing.entryId, existing.currentVersion);
                failed.with("currentEtag", current).withHeader("ETag", current);
            }
            throw failed;
        }
        return named;
    }
}
