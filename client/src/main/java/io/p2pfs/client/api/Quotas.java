package io.p2pfs.client.api;

import java.time.Instant;
import java.util.List;

/** The bodies of the usage and quota endpoints ({@code /api/v1/usage}, {@code /api/v1/admin/usage}). */
public final class Quotas {

    private Quotas() {
    }

    /**
     * What a user is charged for and what it occupies.
     *
     * @param userId          the user
     * @param logicalBytes    the sizes of every current and retained version of the files the user
     *                        owns, added up: what the limit is measured against
     * @param physicalBytes   the ciphertext of the distinct chunks those versions reference, each counted once
     * @param replicatedBytes {@code physicalBytes} with each chunk counted as often as its replication factor
     * @param limitBytes      the limit in effect, {@code null} when there is none
     * @param limitSource     {@code default} (the service's setting) or {@code user} (set by an administrator)
     * @param availableBytes  what may still be committed, {@code null} without a limit
     * @param files           files the user owns
     * @param versions        versions of those files (current and retained)
     * @param updatedAt       when the usage last changed ({@code null}: never)
     */
    public record Usage(String userId, long logicalBytes, long physicalBytes, long replicatedBytes, Long limitBytes,
            String limitSource, Long availableBytes, long files, long versions, Instant updatedAt) {
    }

    /** One page of every user's usage, by user id; {@code nextCursor} is {@code null} on the last page. */
    public record UsagePage(List<Usage> users, String nextCursor) {
    }

    /**
     * What {@code PUT /admin/usage/{userId}} takes: a limit in bytes for that user ({@code 0}: no
     * limit), or {@code null} to clear the override so that the service's default applies again.
     */
    public record LimitChange(Long limitBytes) {
    }
}
