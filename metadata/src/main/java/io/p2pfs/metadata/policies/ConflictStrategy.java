package io.p2pfs.metadata.policies;

/** What an upload does when another version was committed after the one it is based on. */
public enum ConflictStrategy {
    /** 412 with the current ETag; nothing is committed. */
    FAIL,
    /** Commits as the next version; the other version stays in the history. */
    LAST_WRITER_WINS,
    /** Commits beside the file as {@code name (conflict <user> <UTC time>).ext}. */
    KEEP_BOTH
}
