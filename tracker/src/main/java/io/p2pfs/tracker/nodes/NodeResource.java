package io.p2pfs.tracker.nodes;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** {@code /api/v1/nodes}: storage nodes register and heartbeat here; admins drain them. */
@Path("/api/v1/nodes")
public class NodeResource {

    private final NodeService nodes;
    private final TrackerConfig config;
    private final JsonWebToken token;

    public NodeResource(NodeService nodes, TrackerConfig config, JsonWebToken token) {
        this.nodes = nodes;
        this.config = config;
        this.token = token;
    }

    @POST
    @RolesAllowed("node")
    public Uni<Response> register(NodeApi.RegisterNodeRequest body, @Context HttpServerRequest request) {
        NodeApi.RegisterNodeRequest valid = NodeRules.validate(body, config);
        return nodes.register(valid, actor(), request.remoteAddress().hostAddress()).map(registered -> {
            var answer = new NodeApi.Registration(registered.node().nodeId, registered.node().state,
                    config.heartbeatInterval().toSeconds(), config.missedHeartbeats());
            return registered.created()
                    ? Response.created(URI.create("/api/v1/nodes/" + answer.nodeId())).entity(answer).build()
                    : Response.ok(answer).build();
        });
    }

    @PUT
    @Path("/{nodeId}/heartbeat")
    @RolesAllowed("node")
    public Uni<NodeApi.HeartbeatAck> heartbeat(@PathParam("nodeId") String nodeId, NodeApi.HeartbeatRequest body) {
        var beat = NodeRules.validate(body);
        return nodes.heartbeat(NodeRules.nodeId(nodeId), beat, actor())
                .map(node -> new NodeApi.HeartbeatAck(node.nodeId, node.state, config.heartbeatInterval().toSeconds()));
    }

    @GET
    @RolesAllowed({"user", "admin", "auditor", "node"})
    public Uni<List<NodeApi.NodeView>> list(@QueryParam("state") String state) {
        return nodes.list(NodeRules.state(state)).map(all -> all.stream().map(NodeApi.NodeView::of).toList());
    }

    @GET
    @Path("/{nodeId}")
    @RolesAllowed({"user", "admin", "auditor", "node"})
    public Uni<NodeApi.NodeView> byId(@PathParam("nodeId") String nodeId) {
        return nodes.byId(NodeRules.nodeId(nodeId)).map(NodeApi.NodeView::of);
    }

    @DELETE
    @Path("/{nodeId}")
    @RolesAllowed("admin")
    public Uni<NodeApi.NodeView> drain(@PathParam("nodeId") String nodeId, @Context HttpServerRequest request) {
        return nodes.drain(NodeRules.nodeId(nodeId), actor(), request.remoteAddress().hostAddress())
                .map(NodeApi.NodeView::of);
    }

    /** Takes a node out of service: nothing counts on its copies until an admin releases it. */
    @PUT
    @Path("/{nodeId}/quarantine")
    @RolesAllowed("admin")
    public Uni<NodeApi.NodeView> quarantine(@PathParam("nodeId") String nodeId, NodeApi.QuarantineRequest body,
            @Context HttpServerRequest request) {
        String reason = NodeRules.quarantineReason(body);
        return nodes.quarantine(NodeRules.nodeId(nodeId), reason, actor(), request.remoteAddress().hostAddress())
                .map(NodeApi.NodeView::of);
    }

    @DELETE
    @Path("/{nodeId}/quarantine")
    @RolesAllowed("admin")
    public Uni<NodeApi.NodeView> release(@PathParam("nodeId") String nodeId, @Context HttpServerRequest request) {
        return nodes.release(NodeRules.nodeId(nodeId), actor(), request.remoteAddress().hostAddress())
                .map(NodeApi.NodeView::of);
    }

    private String actor() {
        String login = token.getClaim("preferred_username");
        return login != null ? login : token.getSubject();
    }
}
