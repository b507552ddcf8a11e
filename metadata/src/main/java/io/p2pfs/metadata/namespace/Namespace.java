package io.p2pfs.metadata.namespace;

import io.p2pfs.common.paths.FsPath;
import io.p2pfs.common.problem.Conflict;
import io.p2pfs.common.problem.NotFound;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import org.hibernate.exception.ConstraintViolationException;

/**
 * Path resolution and directory structure over the {@code entries} table. Every method runs in
 * the caller's session (and transaction); lookups go by name HMAC, one indexed probe per
 * segment that the {@link DirectoryCache} does not hold.
 */
@ApplicationScoped
public class Namespace {

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String DEADLOCK_DETECTED = "40P01";
    private static final String SERIALIZATION_FAILURE = "40001";
    /** The advisory lock key of directory moves ("p2pfs-mv" in ASCII). */
    private static final long DIRECTORY_MOVES_KEY = 0x703270_66732d6d76L;

    private final NameCodec names;
    private final DirectoryCache directories;

    public Namespace(NameCodec names, DirectoryCache directories) {
        this.names = names;
        this.directories = directories;
    }

    /** The entry at {@code path}, or {@code null} when any segment is missing. */
    public Uni<Entry> find(FsPath path) {
        return chain(path).map(chain -> chain.size() == path.segments().size() + 1 ? chain.get(chain.size() - 1)
                : null);
    }

    /**
     * The entries from the root to a path, and the {@link DirectoryCache} generation its
     * directories were checked against (null: none was used).
     */
    public static final class Chain extends java.util.ArrayList<Entry> {
        private final transient DirectoryCache.Generation generation;

        Chain(int capacity, DirectoryCache.Generation generation) {
            super(capacity);
            this.generation = generation;
        }

        public DirectoryCache.Generation generation() {
            return generation;
        }

        /**
         * This chain with {@code child} after its last entry, checked against the same
         * generation: for a caller that resolved a directory's chain and then found or made the
         * entry in it, so that the entry's checks need not resolve the path again.
         */
        public Chain with(Entry child) {
            Chain longer = new Chain(size() + 1, generation);
            longer.addAll(this);
            longer.add(child);
            return longer;
        }
    }

    /**
     * The entries from the root to {@code path}, as far as they exist: the list ends early
     * (with the deepest existing ancestor) when a segment is missing or a file is in the way.
     * The directories before the last segment come from the {@link DirectoryCache} when it holds
     * them for the current counter; the last entry is always read in the caller's session.
     */
    public Uni<Chain> chain(FsPath path) {
        if (path.isRoot()) {
            return Entry.<Entry>findById(Entry.ROOT_ID).map(root -> {
                Chain chain = new Chain(1, null);
                chain.add(root);
                return chain;
            });
        }
        return directories.generation().flatMap(generation -> walk(path, generation));
    }

    private Uni<Chain> walk(FsPath path, DirectoryCache.Generation generation) {
        List<String> segments = path.segments();
        Chain chain = new Chain(segments.size() + 1, generation);
        Entry root = generation == null ? null : generation.dir(0, "");
        Uni<Entry> current = root != null ? Uni.createFrom().item(root)
                : Entry.<Entry>findById(Entry.ROOT_ID).invoke(found -> {
                    if (generation != null && found != null) {
                        generation.keepDir(0, "", found);
                    }
                });
        current = current.invoke(chain::add);
        for (int i = 0; i < segments.size(); i++) {
            String segment = segments.get(i);
            boolean last = i == segments.size() - 1;
            current = current.flatMap(parent -> {
                if (parent == null || !parent.isDir()) {
                    return Uni.createFrom().nullItem();
                }
                Entry kept = last || generation == null ? null : generation.dir(parent.entryId, segment);
                if (kept != null) {
                    chain.add(kept);
                    return Uni.createFrom().item(kept);
                }
                return child(parent.entryId, segment).invoke(child -> {
                    if (child != null) {
                        chain.add(child);
                        if (!last && generation != null) {
                            generation.keepDir(parent.entryId, segment, child);
                        }
                    }
                });
            });
        }
        return current.replaceWith(chain);
    }

    /** Like {@link #find} but 404 when missing. */
    public Uni<Entry> require(FsPath path) {
        return find(path).map(entry -> {
            if (entry == null) {
                throw new NotFound("Nothing at " + path + ".");
            }
            return entry;
        });
    }

    /** The directory at {@code path}: 404 when missing, 409 when it is a file. */
    public Uni<Entry> requireDir(FsPath path) {
        return chain(path).map(chain -> directoryAt(path, chain));
    }

    /**
     * The directory at {@code path}, the last entry of its resolved {@code chain}: 404 when the
     * chain ends before it, 409 when it is a file.
     */
    public static Entry directoryAt(FsPath path, List<Entry> chain) {
        if (chain.size() != path.segments().size() + 1) {
            throw new NotFound("Nothing at " + path + ".");
        }
        Entry directory = chain.get(chain.size() - 1);
        if (!directory.isDir()) {
            throw new Conflict(path + " is a file, not a directory.");
        }
        return directory;
    }

    public Uni<Entry> child(long parentId, String name) {
        return lookup(parentId, name).firstResult();
    }

    public Uni<Entry> childForUpdate(long parentId, String name) {
        return lookup(parentId, name).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /**
     * By the name's lookup key under the active key or, while a rotation runs, an older one. The key
     * (keyed by the parent) leads the unique index; the parent is compared as {@code parentId + 0}
     * so that the planner cannot take the parent's index instead and read every child.
     */
    private io.quarkus.hibernate.reactive.panache.PanacheQuery<Entry> lookup(long parentId, String name) {
        List<byte[]> indexes = names.indexes(parentId, name);
        if (indexes.size() == 1) {
            return Entry.find("nameHmac = ?2 and parentId + 0 = ?1", parentId, indexes.get(0));
        }
        return Entry.find("nameHmac in ?2 and parentId + 0 = ?1", parentId, indexes);
    }

    /**
     * The entry at {@code path} with its row locked until the transaction ends, or {@code null}
     * when it is missing. Only the directories above it are read unlocked, so call it before
     * anything else of the transaction reads the entry (the session would keep that unlocked copy).
     * A change that commits first (a move, a delete) makes a waiting call answer {@code null}.
     */
    public Uni<Entry> findForUpdate(FsPath path) {
        if (path.isRoot()) {
            return Entry.<Entry>findById(Entry.ROOT_ID, LockModeType.PESSIMISTIC_WRITE);
        }
        return find(path.parent()).flatMap(parent -> parent == null || !parent.isDir()
                ? Uni.createFrom().nullItem()
                : childForUpdate(parent.entryId, path.name()));
    }

    /**
     * Every entry below directory {@code dirId}, parents before their children, each row locked
     * until the transaction ends. Once a directory's row is locked nothing can be created in it or
     * moved into it, so the walk is repeated until it finds no entry it had not locked yet; then
     * the answer is the whole subtree and stays so. More than {@code limit} entries is a 409.
     */
    public Uni<List<Entry>> lockSubtree(long dirId, int limit) {
        return lockSubtree(dirId, limit, -1, 0);
    }

    private Uni<List<Entry>> lockSubtree(long dirId, int limit, int seen, int round) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                "WITH RECURSIVE below(entry_id, depth) AS ("
                        + "SELECT entry_id, 1 FROM entries WHERE parent_id = :dir "
                        + "UNION ALL SELECT e.entry_id, below.depth + 1 FROM entries e "
                        + "JOIN below ON e.parent_id = below.entry_id) "
                        + "SELECT e.* FROM entries e JOIN below ON below.entry_id = e.entry_id "
                        + "ORDER BY below.depth, e.entry_id LIMIT :n FOR UPDATE OF e", Entry.class)
                .setParameter("dir", dirId).setParameter("n", limit + 1).getResultList())
                .flatMap(below -> {
                    if (below.size() > limit) {
                        throw new Conflict("More than " + limit + " entries are below this directory; delete "
                                + "some of its subdirectories first.").with("limit", limit);
                    }
                    if (below.size() == seen) {
                        return Uni.createFrom().item(below);
                    }
                    if (round >= 10) {
                        throw new Conflict("The directory kept changing while it was being deleted; try again.");
                    }
                    return lockSubtree(dirId, limit, below.size(), round + 1);
                });
    }

    /**
     * Gives {@code entry} a new parent and name: only its own row changes (its name is sealed and
     * indexed anew, since both bind the parent's id); what lies below it keeps its rows, and with
     * them versions, ACLs, policies and locks. A name taken meanwhile is a 409.
     */
    public Uni<Void> move(Entry entry, long newParentId, String newName, FsPath target) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                "UPDATE entries SET parent_id = :parent, name_hmac = :hmac, name_sealed = :sealed, key_id = :key "
                        + "WHERE entry_id = :id")
                .setParameter("parent", newParentId).setParameter("hmac", names.index(newParentId, newName))
                .setParameter("sealed", names.seal(newParentId, newName)).setParameter("key", names.keyId())
                .setParameter("id", entry.entryId).executeUpdate())
                .onFailure(Namespace::nameTaken).transform(e -> new Conflict(target + " already exists."))
                .replaceWithVoid();
    }

    /**
     * Directory moves one at a time (a transaction-level advisory lock): two moves that cross each
     * other (each into the other's subtree) could otherwise both commit and leave a cycle cut off
     * from the root. Files have nothing below them and move without it.
     */
    public Uni<Void> serializeDirectoryMoves() {
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                "SELECT 1 FROM pg_advisory_xact_lock(:key)", Integer.class).setParameter("key", DIRECTORY_MOVES_KEY)
                .getSingleResult()).replaceWithVoid();
    }

    /** PostgreSQL cancelled a statement to break a deadlock, or a serialisable transaction lost. */
    public static boolean concurrentChange(Throwable failure) {
        return failedWith(failure, DEADLOCK_DETECTED, SERIALIZATION_FAILURE);
    }

    /** The unique (parent, name) constraint refused a statement: someone else took the name first. */
    static boolean nameTaken(Throwable failure) {
        return failedWith(failure, UNIQUE_VIOLATION);
    }

    /** Whether PostgreSQL refused a statement with one of these SQL states, however it was wrapped. */
    private static boolean failedWith(Throwable failure, String... states) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String state = cause instanceof PgException pg ? pg.getSqlState()
                    : cause instanceof ConstraintViolationException constraint ? constraint.getSQLState() : null;
            if (state != null && java.util.Arrays.asList(states).contains(state)) {
                return true;
            }
        }
        return false;
    }

    /** The entries {@code ids} and every directory above them, in one query (each entry once). */
    public Uni<List<Entry>> withAncestors(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                "WITH RECURSIVE up(entry_id, parent_id) AS ("
                        + "SELECT entry_id, parent_id FROM entries WHERE entry_id IN (:ids) "
                        + "UNION SELECT e.entry_id, e.parent_id FROM entries e JOIN up ON e.entry_id = up.parent_id) "
                        + "SELECT e.* FROM entries e WHERE e.entry_id IN (SELECT entry_id FROM up)", Entry.class)
                .setParameter("ids", ids).getResultList());
    }

    /** A new entry under {@code parentId}; the unique (parent, name) constraint decides races. */
    public Entry newEntry(long parentId, String name, String kind, String owner) {
        Entry entry = new Entry();
        entry.parentId = parentId;
        entry.nameHmac = names.index(parentId, name);
        entry.nameSealed = names.seal(parentId, name);
        entry.keyId = names.keyId();
        entry.kind = kind;
        entry.ownerId = owner;
        entry.createdAt = now();
        entry.updatedAt = entry.createdAt;
        return entry;
    }

    /**
     * Inserts an entry unless its name is taken; answers the new entry's id, or null if the name
     * was taken. A concurrent insert of the same name is waited for and then counts as taken, so
     * no creator fails on the constraint (a failed statement would abort its whole transaction).
     */
    public Uni<Long> insertIfAbsent(long parentId, String name, String kind, String owner) {
        Entry fresh = newEntry(parentId, name, kind, owner);
        return Panache.getSession().flatMap(session -> session.createNativeQuery("INSERT INTO entries (parent_id, "
                + "name_hmac, name_sealed, key_id, kind, owner_id) VALUES (:parent, :hmac, :sealed, :key, :kind, "
                + ":owner) ON CONFLICT (parent_id, name_hmac) DO NOTHING RETURNING entry_id", Long.class)
                .setParameter("parent", parentId).setParameter("hmac", fresh.nameHmac)
                .setParameter("sealed", fresh.nameSealed).setParameter("key", fresh.keyId)
                .setParameter("kind", kind).setParameter("owner", owner).getResultList()
                .map(ids -> ids.isEmpty() ? null : ids.get(0)));
    }

    /**
     * Creates the directory at {@code path} (and, with {@code parents}, any missing ancestors).
     * Returns the directories created, outermost first; an existing directory at the path is a
     * 409 unless {@code parents} is set (then it is a no-op, as {@code mkdir -p}).
     */
    public Uni<List<FsPath>> mkdirs(FsPath path, boolean parents, String owner) {
        if (path.isRoot()) {
            return parents ? Uni.createFrom().item(List.of())
                    : Uni.createFrom().failure(new Conflict("/ already exists."));
        }
        return mkdirStep(Entry.ROOT_ID, path, 0, parents, owner, new java.util.ArrayList<>());
    }

    private Uni<List<FsPath>> mkdirStep(long parentId, FsPath path, int depth, boolean parents, String owner,
            List<FsPath> created) {
        String name = path.segments().get(depth);
        boolean last = depth == path.segments().size() - 1;
        FsPath here = new FsPath(path.segments().subList(0, depth + 1));
        return child(parentId, name).flatMap(existing -> {
            if (existing != null) {
                if (!existing.isDir()) {
                    throw new Conflict(here + " is a file.");
                }
                if (last) {
                    if (!parents) {
                        throw new Conflict(here + " already exists.");
                    }
                    return Uni.createFrom().item(created);
                }
                return mkdirStep(existing.entryId, path, depth + 1, parents, owner, created);
            }
            if (!last && !parents) {
                throw new NotFound("Parent directory " + here + " does not exist; use parents=true.");
            }
            // Another creator (a concurrent mkdir, the home made at registration) may take the
            // name meanwhile: then its entry is met as an existing one, as if it had been first.
            return insertIfAbsent(parentId, name, Entry.DIR, owner).flatMap(id -> {
                if (id == null) {
                    return mkdirStep(parentId, path, depth, parents, owner, created);
                }
                created.add(here);
                return last ? Uni.createFrom().item(created)
                        : mkdirStep(id, path, depth + 1, parents, owner, created);
            });
        });
    }

    public String nameOf(Entry entry) {
        return entry.parentId == null ? "" : names.open(entry.parentId, entry.nameSealed, entry.keyId);
    }

    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
