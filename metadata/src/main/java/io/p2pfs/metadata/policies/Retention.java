package io.p2pfs.metadata.policies;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which versions of a file a retention setting lets go. A version is kept when it is the
 * current one, or among the newest {@code keepVersions}, or younger than {@code keepDays};
 * with neither setting, every version is kept. Setting both keeps what either would keep.
 */
public final class Retention {

    /** One stored version: its number and when it was committed. */
    public record Stamp(int version, Instant createdAt) {
    }

    private Retention() {
    }

    public static List<Integer> prunable(List<Stamp> versions, int currentVersion, Integer keepVersions,
            Integer keepDays, Instant now) {
        if (keepVersions == null && keepDays == null) {
            return List.of();
        }
        List<Stamp> newestFirst = new ArrayList<>(versions);
        newestFirst.sort(Comparator.comparingInt(Stamp::version).reversed());
        Instant youngerThan = keepDays == null ? null : now.minus(Duration.ofDays(keepDays));
        List<Integer> prunable = new ArrayList<>();
        for (int i = 0; i < newestFirst.size(); i++) {
            Stamp stamp = newestFirst.get(i);
            boolean keptByCount = keepVersions != null && i < keepVersions;
            boolean keptByAge = youngerThan != null && stamp.createdAt().isAfter(youngerThan);
            if (stamp.version() != currentVersion && !keptByCount && !keptByAge) {
                prunable.add(stamp.version());
            }
        }
        return prunable;
    }
}
