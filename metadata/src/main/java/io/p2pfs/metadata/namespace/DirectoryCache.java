package io.p2pfs.metadata.namespace;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The directories on the way to paths, their ACLs and their policies, kept in memory by this replica so that a
 * path resolves in two queries (this counter and the last segment) instead of one per segment.
 *
 * <p>Exact, not eventually so: the database bumps {@code namespace_epoch} in the same transaction
 * as every change that could make something kept here wrong (triggers on {@code entries},
 * {@code acls} and {@code policies}), and every resolution reads the counter first. What was kept under another value
 * is dropped; a request only uses, and only adds, what belongs to the value it read itself, and
 * everything it reads from the database after that is at least as new. So a change is seen from
 * the next request on, on every replica, as without the cache. Files are never kept (the last
 * segment of a path is always read from the database, in the caller's session, so it can be
 * locked and changed), and what is kept is handed out as copies nobody else holds.
 */
@ApplicationScoped
public class DirectoryCache {

    /** A directory by its parent and plain name. */
    record Key(long parentId, String name) {
    }

    /** What is kept while the counter has one value. */
    public static final class Generation {
        final long epoch;
        private final int limit;
        private final ConcurrentHashMap<Key, Entry> dirs = new ConcurrentHashMap<>();
        /** Per kind of value (ACL, policy settings), by directory id. */
        private final ConcurrentHashMap<Class<?>, Map<Long, Object>> byType = new ConcurrentHashMap<>();

        Generation(long epoch, int limit) {
            this.epoch = epoch;
            this.limit = limit;
        }

        public long epoch() {
            return epoch;
        }

        /** A copy of the kept directory {@code name} in {@code parentId} (the root: 0 and ""), or null. */
        public Entry dir(long parentId, String name) {
            Entry kept = dirs.get(new Key(parentId, name));
            return kept == null ? null : copy(kept);
        }

        void keepDir(long parentId, String name, Entry dir) {
            if (dir.isDir() && dirs.size() < limit) {
                dirs.putIfAbsent(new Key(parentId, name), copy(dir));
            }
        }

        /** The value of {@code type} kept for directory {@code entryId} (its ACL, its policy), or null. */
        public <T> T kept(Class<T> type, long entryId) {
            Map<Long, Object> values = byType.get(type);
            return values == null ? null : type.cast(values.get(entryId));
        }

        /**
         * The values of {@code type} of {@code ids}: those kept, and the others read in one call
         * ({@code read} answers the ids it found; the rest get {@code absent}), of which the ids
         * {@code keep} accepts (directories) are kept.
         */
        public <T> Uni<Map<Long, T>> values(Class<T> type, List<Long> ids, Predicate<Long> keep,
                Function<List<Long>, Uni<Map<Long, T>>> read, T absent) {
            Map<Long, T> found = new HashMap<>();
            List<Long> missing = new ArrayList<>();
            for (Long id : ids) {
                T value = keep.test(id) ? kept(type, id) : null;
                if (value != null) {
                    found.put(id, value);
                } else {
                    missing.add(id);
                }
            }
            if (missing.isEmpty()) {
                return Uni.createFrom().item(found);
            }
            Map<Long, Object> values = byType.computeIfAbsent(type, t -> new ConcurrentHashMap<>());
            return read.apply(missing).map(loaded -> {
                for (Long id : missing) {
                    T value = loaded.getOrDefault(id, absent);
                    found.put(id, value);
                    if (keep.test(id) && values.size() < limit) {
                        values.putIfAbsent(id, value);
                    }
                }
                return found;
            });
        }
    }

    private final int limit;
    private volatile Generation current = new Generation(Long.MIN_VALUE, 0);
    private final boolean enabled;

    public DirectoryCache(@ConfigProperty(name = "p2pfs.namespace.cached-directories", defaultValue = "100000")
            int limit) {
        this.limit = limit;
        this.enabled = limit > 0;
    }

    /**
     * Reads the counter in the caller's session and answers what is kept for its value (null when
     * caching is off, or when the caller's own transaction changed it: what that transaction
     * reads is not committed, and may never be). A reader that saw an older value than another
     * gets a generation of its own, which nobody else uses.
     */
    public Uni<Generation> generation() {
        if (!enabled) {
            return Uni.createFrom().nullItem();
        }
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                "SELECT epoch, CAST(xmin AS text) = CAST(txid_current_if_assigned() % 4294967296 AS text) "
                        + "FROM namespace_epoch", Object[].class).getSingleResult())
                .map(row -> Boolean.TRUE.equals(row[1]) ? null : forEpoch(((Number) row[0]).longValue()));
    }

    /** What is kept for the last counter value any resolution read (not checked again). */
    public Generation current() {
        return enabled ? current : null;
    }

    synchronized Generation forEpoch(long epoch) {
        Generation kept = current;
        if (kept.epoch == epoch) {
            return kept;
        }
        Generation fresh = new Generation(epoch, limit);
        if (epoch > kept.epoch) {
            current = fresh;
        }
        return fresh;
    }

    static Entry copy(Entry entry) {
        Entry copy = new Entry();
        copy.entryId = entry.entryId;
        copy.parentId = entry.parentId;
        copy.nameHmac = entry.nameHmac;
        copy.nameSealed = entry.nameSealed;
        copy.keyId = entry.keyId;
        copy.kind = entry.kind;
        copy.ownerId = entry.ownerId;
        copy.createdAt = entry.createdAt;
        copy.updatedAt = entry.updatedAt;
        copy.currentVersion = entry.currentVersion;
        return copy;
    }
}
