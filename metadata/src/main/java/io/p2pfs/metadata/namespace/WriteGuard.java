package io.p2pfs.metadata.namespace;

import io.p2pfs.common.paths.FsPath;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Set;

/**
 * What every change of the namespace asks before it commits: may this caller change this path
 * now, given the locks on it and above it. The locks feature implements it; the features that
 * change things (writes, deletes, restores, ACL and policy changes) depend on this interface
 * only, so they need not depend on the lock management that itself checks their ACLs.
 */
public interface WriteGuard {

    /** The lock tokens the current request presents in its {@code Lock-Token} header. */
    Set<String> presentedTokens();

    /**
     * Fails with 423 when a live lock on {@code path} or an ancestor belongs to someone else, or
     * to the caller without its token among {@code tokens}. Call it in the changing transaction.
     *
     * @param operation what is attempted, for the {@code lock.denied} event
     */
    Uni<Void> requireWritable(FsPath path, String caller, Set<String> tokens, String operation);

    /**
     * Like {@link #requireWritable}, on the entries from the root to {@code path} (as far as they
     * exist) that the caller resolved in this transaction, so the path is not resolved again.
     */
    Uni<Void> requireWritable(FsPath path, List<Entry> chain, String caller, Set<String> tokens, String operation);

    /**
     * Like {@link #requireWritable}, and also fails when a live lock anywhere below
     * {@code path} belongs to someone else (or to the caller without its token): for the
     * changes that take a whole subtree with them (a move, a recursive delete).
     */
    Uni<Void> requireTreeWritable(FsPath path, String caller, Set<String> tokens, String operation);

    /**
     * Keeps the locks on and below a moved entry attached to it: called in the move's transaction
     * with the entry ids from the root to the entry before and after the move.
     */
    Uni<Void> relocate(List<Long> before, List<Long> after);
}
