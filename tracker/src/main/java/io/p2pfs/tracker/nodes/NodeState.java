package io.p2pfs.tracker.nodes;

/**
 * UP: heartbeating, eligible for placement. DOWN: missed too many heartbeats (a heartbeat
 * brings it back). DRAINING: an admin is retiring it; it serves reads but takes no new chunks,
 * and heartbeats do not change that. REMOVED: drained; the metadata service announced that it holds
 * nothing counted on any more ({@code node.removed}). Registering again makes it UP, empty.
 */
public enum NodeState {
    UP, DOWN, DRAINING, REMOVED
}
