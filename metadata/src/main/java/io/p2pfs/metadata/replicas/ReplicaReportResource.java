package io.p2pfs.metadata.replicas;

import io.p2pfs.client.api.Downloads;
import io.p2pfs.common.chunks.ChunkId;
import io.p2pfs.common.problem.BadRequest;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /api/v1/replicas/reports}: a client says a replica failed to read or authenticate.
 * The answer is always 202 for a well-formed report, whether or not the replica exists, so a
 * report reveals nothing about what anyone stores; {@link ReplicaChecks} checks it.
 */
@Path("/api/v1/replicas/reports")
@RolesAllowed({"user", "admin"})
public class ReplicaReportResource {

    private static final int MAX_REASON = 200;

    private final ReplicaChecks checks;
    private final SecurityIdentity identity;

    public ReplicaReportResource(ReplicaChecks checks, SecurityIdentity identity) {
        this.checks = checks;
        this.identity = identity;
    }

    @POST
    public Response report(Downloads.ReplicaReport report) {
        if (report == null || !ChunkId.isValid(report.chunkId()) || report.nodeId() == null) {
            throw new BadRequest("A report is {chunkId (64 hex digits), nodeId, reason}.");
        }
        UUID nodeId;
        try {
            nodeId = UUID.fromString(report.nodeId());
        } catch (IllegalArgumentException e) {
            throw new BadRequest("nodeId is a UUID.");
        }
        String reason = report.reason() == null || report.reason().isBlank() ? "unspecified" : report.reason().strip();
        if (reason.length() > MAX_REASON) {
            reason = reason.substring(0, MAX_REASON);
        }
        checks.report(report.chunkId(), nodeId, reason.replaceAll("\\p{Cntrl}", " "), identity.getPrincipal().getName());
        return Response.accepted(Map.of("accepted", true)).build();
    }
}
