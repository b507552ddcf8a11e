package io.p2pfs.audit.log;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/v1/audit/verify}: recompute the whole log and check it against every signed head (auditors, admins). */
@Path("/api/v1/audit/verify")
public class VerifyResource {

    private final LogVerifier verifier;

    public VerifyResource(LogVerifier verifier) {
        this.verifier = verifier;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({"auditor", "admin"})
    public Uni<VerifyResult> verify() {
        return verifier.verify();
    }
}
