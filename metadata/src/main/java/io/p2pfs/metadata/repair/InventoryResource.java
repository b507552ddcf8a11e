package io.p2pfs.metadata.repair;

import io.p2pfs.common.problem.BadRequest;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.util.UUID;

/**
 * {@code POST /api/v1/nodes/{nodeId}/inventory} (role {@code node}): a storage node reports one
 * page of what it holds, {@code {"report": "<compact JWS signed with the node's key>"}}; answers
 * what the page changed. 400 for a report that does not parse or is stale, 403 for one about
 * another node or not signed by this node's registered key, 404 for an unknown node.
 */
@Path("/api/v1/nodes/{nodeId}/inventory")
@RolesAllowed("node")
public class InventoryResource {

    public record Body(String report) {
    }

    private final InventoryReconciliation reconciliation;

    public InventoryResource(InventoryReconciliation reconciliation) {
        this.reconciliation = reconciliation;
    }

    @POST
    public Uni<InventoryReconciliation.Outcome> report(@PathParam("nodeId") String nodeId, Body body) {
        UUID node;
        try {
            node = UUID.fromString(nodeId);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("nodeId is a UUID.");
        }
        if (body == null || body.report() == null) {
            throw new BadRequest("The body is {\"report\": \"<signed inventory page>\"}.");
        }
        return reconciliation.reconcile(node, body.report());
    }
}
