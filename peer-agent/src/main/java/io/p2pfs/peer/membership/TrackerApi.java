package io.p2pfs.peer.membership;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

/** The tracker's node registry as this peer calls it (built by {@link TrackerClient}). */
@Path("/api/v1/nodes")
public interface TrackerApi {

    /** {@code proof}: this node's signed proof of holding {@code publicKey}, for {@code url}. */
    record RegisterNode(String url, long capacityBytes, String zone, java.util.Map<String, Object> publicKey,
            String proof) {
    }

    record Registration(String nodeId, String state, long heartbeatIntervalSeconds, int missedHeartbeatsAllowed) {
    }

    /** {@code proof}: signed with this node's key for its node id. */
    record Heartbeat(long usedBytes, long chunkCount, String proof) {
    }

    record HeartbeatAck(String nodeId, String state, long heartbeatIntervalSeconds) {
    }

    @POST
    Registration register(@HeaderParam("Authorization") String authorization, RegisterNode body);

    @PUT
    @Path("/{nodeId}/heartbeat")
    HeartbeatAck heartbeat(@HeaderParam("Authorization") String authorization, @PathParam("nodeId") String nodeId,
            Heartbeat body);
}
