package io.p2pfs.metadata.policies;

import io.p2pfs.common.paths.FsPath;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Applies a retention setting to one file: deletes the versions it lets go (never the current
 * one) with their chunk references, in the caller's transaction. The chunks themselves stay
 * until garbage collection finds them unreferenced.
 */
@ApplicationScoped
public class VersionRetention {

    private final PolicyService policies;

    public VersionRetention(PolicyService policies) {
        this.policies = policies;
    }

    /** Prunes the file at {@code path} by the retention setting in effect there. */
    public Uni<List<Integer>> applyAt(FsPath path, long entryId, int currentVersion) {
        return policies.effectiveFor(path).flatMap(policy -> prune(entryId, currentVersion, policy));
    }

    /** The versions pruned, oldest first (none when the policy keeps everything). */
    public Uni<List<Integer>> prune(long entryId, int currentVersion, EffectivePolicy policy) {
        if (policy.keepVersions() == null && policy.keepDays() == null) {
            return Uni.createFrom().item(List.of());
        }
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                "SELECT version, CAST(EXTRACT(EPOCH FROM created_at) * 1000000 AS bigint) FROM versions "
                        + "WHERE entry_id = :e", Object[].class).setParameter("e", entryId).getResultList()
                .flatMap(rows -> {
                    List<Retention.Stamp> stamps = rows.stream().map(row -> new Retention.Stamp(
                            ((Number) row[0]).intValue(),
                            Instant.EPOCH.plusNanos(((Number) row[1]).longValue() * 1000))).toList();
                    List<Integer> pruned = Retention.prunable(stamps, currentVersion, policy.keepVersions(),
                            policy.keepDays(), Instant.now()).stream().sorted().toList();
                    if (pruned.isEmpty()) {
                        return Uni.createFrom().item(pruned);
                    }
                    String versions = pruned.stream().map(String::valueOf).collect(Collectors.joining(","));
                    return session.createNativeQuery("DELETE FROM version_chunks WHERE entry_id = :e "
                            + "AND version = ANY(CAST(string_to_array(:v, ',') AS int[]))")
                            .setParameter("e", entryId).setParameter("v", versions).executeUpdate()
                            .flatMap(n -> session.createNativeQuery("DELETE FROM versions WHERE entry_id = :e "
                                    + "AND version = ANY(CAST(string_to_array(:v, ',') AS int[]))")
                                    .setParameter("e", entryId).setParameter("v", versions).executeUpdate())
                            .replaceWith(pruned);
                }));
    }
}
