package io.p2pfs.metadata.policies;

import io.p2pfs.metadata.core.PathKeys;
import io.p2pfs.common.events.AuditData;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.outbox.Outbox;
import io.p2pfs.common.paths.FsPath;
import io.p2pfs.common.reactive.Sequence;
import io.p2pfs.metadata.locks.PathEntries;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Applies retention to files nobody writes, so that "keep N days" holds without a new version:
 * every {@code p2pfs.policies.retention-sweep-interval} it walks the files with more than one
 * version, in batches, each file in its own transaction with its row locked
 * ({@code SKIP LOCKED}: a file being committed right now is left to that commit, which applies
 * retention itself). Pruned versions are a {@code file.versions-pruned} event.
 */
@ApplicationScoped
public class RetentionSweeper {

    private static final int BATCH = 200;

    private final VersionRetention retention;
    private final PathEntries entries;
    private final Outbox outbox;

    public RetentionSweeper(VersionRetention retention, PathEntries entries, Outbox outbox) {
        this.retention = retention;
        this.entries = entries;
        this.outbox = outbox;
    }

    @Scheduled(every = "${p2pfs.policies.retention-sweep-interval:10m}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return sweep().invoke(pruned -> {
            if (pruned > 0) {
                Log.infof("Retention pruned %d version(s)", pruned);
            }
        }).onFailure().invoke(e -> Log.warnf("Retention sweep failed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** One pass over every file with history; answers how many versions it pruned. */
    public Uni<Integer> sweep() {
        AtomicInteger pruned = new AtomicInteger();
        return pass(0L, pruned).replaceWith(pruned::get);
    }

    private Uni<Void> pass(long after, AtomicInteger pruned) {
        return Panache.withSession(() -> Panache.getSession().flatMap(session -> session.createNativeQuery(
                "SELECT entry_id FROM versions WHERE entry_id > :after GROUP BY entry_id HAVING count(*) > 1 "
                        + "ORDER BY entry_id LIMIT :n", Long.class)
                .setParameter("after", after).setParameter("n", BATCH).getResultList()))
                .flatMap(ids -> {
                    if (ids.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    return Sequence.forEach(ids, id -> one(id).invoke(pruned::addAndGet))
                            .flatMap(v -> ids.size() < BATCH ? Uni.createFrom().voidItem()
                                    : pass(ids.get(ids.size() - 1), pruned));
                });
    }

    private Uni<Integer> one(long entryId) {
        return Panache.withTransaction(() -> Panache.getSession().flatMap(session -> session.createNativeQuery(
                "SELECT current_version FROM entries WHERE entry_id = :e AND kind = 'FILE' "
                        + "AND current_version IS NOT NULL FOR UPDATE SKIP LOCKED", Integer.class)
                .setParameter("e", entryId).getResultList())
                .flatMap(current -> current.isEmpty() ? Uni.createFrom().item(0)
                        : entries.pathOf(entryId).flatMap(path -> retention.applyAt(FsPath.parse(path), entryId,
                                current.get(0)).flatMap(pruned -> record(path, pruned.versions())))));
    }

    private Uni<Integer> record(String path, List<Integer> versions) {
        if (versions.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return outbox.record(Topics.FILES, PathKeys.of(FsPath.parse(path)), EventTypes.VERSIONS_PRUNED,
                path, AuditData.success("system:retention", EventTypes.VERSIONS_PRUNED, path,
                        Map.of("path", path, "prunedVersions", versions)))
                .replaceWith(versions.size());
    }
}
