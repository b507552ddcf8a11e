package io.p2pfs.peer.membership;

/** The tracker does not know this node id (404 on heartbeat): it must register again. */
public class NodeUnknown extends RuntimeException {

    public NodeUnknown(String nodeId) {
        super("the tracker does not know node " + nodeId, null, false, false);
    }
}
