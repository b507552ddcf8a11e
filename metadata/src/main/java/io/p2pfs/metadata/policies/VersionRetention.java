package io.p2pfs.metadata.policies;

import io.p2pfs.common.paths.FsPath;
import io.p2pfs.metadata.quotas.UsageLedger;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Applies a retention setting to one file: deletes the versions it lets go (never the current
 * one) with their chunk references, and releases their bytes from the owner's usage, in the
 * caller's transaction (which holds the file's row locked). The chunks themselves stay until
 * garbage collection finds them unreferenced.
 */
@ApplicationScoped
public class VersionRetention {

    private final PolicyService policies;
    private final UsageLedger usage;

    public VersionRetention(PolicyService policies, UsageLedger usage) {
        this.policies = policies;
        this.usage = usage;
    }

    /** The versions a retention setting let go, oldest first, and their bytes added up. */
    public record Pruned(List<Integer> versions, long bytes) {

        static final Pruned NONE = new Pruned(List.of(), 0);
    }

    /** Prunes the file at {@code path} by the retention setting in effect there. */
    public Uni<Pruned> applyAt(FsPath path, long entryId, int currentVersion) {
        return policies.effectiveFor(path).flatMap(policy -> prune(entryId, currentVersion, policy));
    }

    /** The versions pruned (none when the policy keeps everything). */
    public Uni<Pruned> prune(long entryId, int currentVersion, EffectivePolicy policy) {
        if (policy.keepVersions() == null && policy.keepDays() == null) {
            return Uni.createFrom().item(Pruned.NONE);
        }
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                "SELECT version, CAST(EXTRACT(EPOCH FROM created_at) * 1000000 AS bigint), size FROM versions "
                        + "WHERE entry_id = :e", Object[].class).setParameter("e", entryId).getResultList()
                .flatMap(rows -> {
                    List<Retention.Stamp> stamps = rows.stream().map(row -> new Retention.Stamp(
                            ((Number) row[0]).intValue(),
                            Instant.EPOCH.plusNanos(((Number) row[1]).longValue() * 1000))).toList();
                    List<Integer> pruned = Retention.prunable(stamps, currentVersion, policy.keepVersions(),
                            policy.keepDays(), Instant.now()).stream().sorted().toList();
                    if (pruned.isEmpty()) {
                        return Uni.createFrom().item(Pruned.NONE);
                    }
                    long bytes = rows.stream().filter(row -> pruned.contains(((Number) row[0]).intValue()))
                            .mapToLong(row -> ((Number) row[2]).longValue()).sum();
                    String versions = pruned.stream().map(String::valueOf).collect(Collectors.joining(","));
                    return session.createNativeQuery("DELETE FROM version_chunks WHERE entry_id = :e "
                            + "AND version = ANY(CAST(string_to_array(:v, ',') AS int[]))")
                            .setParameter("e", entryId).setParameter("v", versions).executeUpdate()
                            .flatMap(n -> session.createNativeQuery("DELETE FROM versions WHERE entry_id = :e "
                                    + "AND version = ANY(CAST(string_to_array(:v, ',') AS int[]))")
                                    .setParameter("e", entryId).setParameter("v", versions).executeUpdate())
                            .flatMap(n -> usage.releaseVersions(entryId, bytes))
                            .replaceWith(new Pruned(pruned, bytes));
                }));
    }
}
