package io.p2pfs.metadata.namespace;

import io.p2pfs.common.paths.FsPath;
import io.smallrye.mutiny.Uni;
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
}
