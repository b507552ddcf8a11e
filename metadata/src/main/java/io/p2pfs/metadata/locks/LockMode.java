package io.p2pfs.metadata.locks;

/** SHARED locks block writers but not readers or other SHARED holders; EXCLUSIVE blocks every other lock. */
public enum LockMode {
    EXCLUSIVE, SHARED;

    /** Whether a lock in this mode may be granted beside a live lock in {@code held} mode on an overlapping path. */
    public boolean compatibleWith(LockMode held) {
        return this == SHARED && held == SHARED;
    }
}
