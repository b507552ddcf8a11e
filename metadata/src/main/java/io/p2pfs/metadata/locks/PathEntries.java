package io.p2pfs.metadata.locks;

import io.p2pfs.metadata.namespace.Entry;
import io.p2pfs.metadata.namespace.Namespace;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The entries along a path, which locks and policies are attached to, and the database's clock,
 * which decides lease expiry the same way on every replica. Runs in the caller's session.
 */
@ApplicationScoped
public class PathEntries {

    private final Namespace namespace;

    public PathEntries(Namespace namespace) {
        this.namespace = namespace;
    }

    /** The path of an entry, rebuilt from its ancestors' sealed names. */
    public Uni<String> pathOf(long entryId) {
        return chainOf(entryId).map(this::pathOf);
    }

    /** The path of the last of {@code rootFirst}, the entries from the root down. */
    public String pathOf(List<Entry> rootFirst) {
        return rootFirst.stream().filter(e -> e.parentId != null).map(namespace::nameOf)
                .collect(Collectors.joining("/", "/", ""));
    }

    /** The entries from the root down to {@code entryId}, in one query. */
    public Uni<List<Entry>> chainOf(long entryId) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                "WITH RECURSIVE up(entry_id, parent_id, depth) AS ("
                        + "SELECT entry_id, parent_id, 0 FROM entries WHERE entry_id = :id "
                        + "UNION ALL SELECT e.entry_id, e.parent_id, up.depth + 1 FROM entries e "
                        + "JOIN up ON e.entry_id = up.parent_id) "
                        + "SELECT e.* FROM entries e JOIN up ON up.entry_id = e.entry_id ORDER BY up.depth DESC",
                Entry.class).setParameter("id", entryId).getResultList());
    }

    /** Now, by the database's clock (microseconds), in the current transaction. */
    public static Uni<Instant> databaseNow() {
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS bigint)", Long.class)
                .getSingleResult())
                .map(micros -> Instant.EPOCH.plusNanos(micros * 1000));
    }

    public static List<Long> ids(List<Entry> entries) {
        return entries.stream().map(e -> e.entryId).toList();
    }
}
