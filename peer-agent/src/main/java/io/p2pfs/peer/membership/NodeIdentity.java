package io.p2pfs.peer.membership;

import io.p2pfs.common.problem.ServiceUnavailable;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * This node's id as the tracker assigned it. It is the audience chunk tokens must name and the
 * key placement events for this node carry; it changes only if the tracker forgot the node and
 * it registered again.
 */
@ApplicationScoped
public class NodeIdentity {

    private volatile String nodeId;

    public Optional<String> nodeId() {
        return Optional.ofNullable(nodeId);
    }

    /** The node id, or 503 while the node has not registered yet. */
    public String require() {
        String current = nodeId;
        if (current == null) {
            throw new ServiceUnavailable("This node has not registered with the tracker yet.");
        }
        return current;
    }

    void assign(String assigned) {
        this.nodeId = assigned;
    }
}
