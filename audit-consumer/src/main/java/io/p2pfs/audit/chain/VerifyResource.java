package io.p2pfs.audit.chain;

import io.p2pfs.common.problem.BadRequest;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/v1/audit/verify?from=&to=}: recompute the hash chain (auditors and admins). */
@Path("/api/v1/audit/verify")
public class VerifyResource {

    private final ChainVerifier verifier;

    public VerifyResource(ChainVerifier verifier) {
        this.verifier = verifier;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({"auditor", "admin"})
    public Uni<VerifyResult> verify(@QueryParam("from") String from, @QueryParam("to") String to) {
        long start = seq("from", from, 1);
        long end = seq("to", to, Long.MAX_VALUE);
        if (end < start) {
            throw new BadRequest("to must not be below from.");
        }
        return verifier.verify(start, end);
    }

    private static long seq(String name, String value, long fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long seq = Long.parseLong(value.trim());
            if (seq >= 1) {
                return seq;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadRequest(name + " must be a seq number, 1 or more.");
    }
}
