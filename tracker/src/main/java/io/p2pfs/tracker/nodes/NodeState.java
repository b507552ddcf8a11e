package io.p2pfs.tracker.nodes;

/**
 * UP: heartbeating, eligible for placement. DOWN: missed too many heartbeats (a heartbeat
 * brings it back). DRAINING: an admin is retiring it; it serves reads but takes no new chunks,
 * and heartbeats do not change that.
 */
public enum NodeState {
    UP, DOWN, DRAINING
}
