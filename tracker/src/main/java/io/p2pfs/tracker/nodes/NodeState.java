package io.p2pfs.tracker.nodes;

/**
 * UP: heartbeating, eligible for placement. DOWN: missed too many heartbeats (a heartbeat
 * brings it back). DRAINING: an admin is retiring it; it serves reads but takes no new chunks,
 * and heartbeats do not change that. REMOVED: drained; the metadata service announced that it holds
 * nothing counted on any more ({@code node.removed}). Registering again makes it UP, empty.
 * QUARANTINED: an admin took it out of service (a node that misbehaves or is suspected to): the
 * metadata service counts none of its copies, copies its chunks elsewhere at once, sends it no
 * chunk and reads nothing from it; heartbeats and registering again leave it QUARANTINED. Only an
 * admin's release ends it, as DOWN (its next heartbeat makes it UP).
 */
public enum NodeState {
    UP, DOWN, DRAINING, REMOVED, QUARANTINED
}
