package io.p2pfs.audit.log;

/**
 * The stored log is not what this service wrote: a tree state it did not seal, rows beyond the
 * tree, missing tree nodes, or a history inconsistent with a head it signed. Nothing is appended
 * and no head is signed until an operator has looked (the message says what was found).
 */
public class LogIntegrityException extends RuntimeException {

    public LogIntegrityException(String message) {
        super(message, null, false, false);
    }
}
