package io.p2pfs.audit.log;

import io.p2pfs.audit.search.Scopes;
import io.p2pfs.common.problem.BadRequest;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /api/v1/audit/proofs/inclusion?eventId=&treeSize=} and
 * {@code GET /api/v1/audit/proofs/consistency?from=&to=}. Inclusion proofs follow the search
 * scope (others' events answer 404 unless the caller is an auditor or admin).
 */
@Path("/api/v1/audit/proofs")
@Authenticated
public class ProofResource {

    private final ProofService proofs;
    private final SecurityIdentity identity;
    private final Scopes scopes;

    public ProofResource(ProofService proofs, SecurityIdentity identity, Scopes scopes) {
        this.proofs = proofs;
        this.identity = identity;
        this.scopes = scopes;
    }

    @GET
    @Path("/inclusion")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Proofs.Inclusion> inclusion(@QueryParam("eventId") String eventId, @QueryParam("treeSize") String treeSize) {
        if (eventId == null || eventId.isBlank() || eventId.length() > 200) {
            throw new BadRequest("eventId is required (the event's id, at most 200 characters).");
        }
        Long size = treeSize == null || treeSize.isBlank() ? null : number("treeSize", treeSize);
        return scopes.of(identity).flatMap(scope -> proofs.inclusion(eventId, size, scope));
    }

    @GET
    @Path("/consistency")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Proofs.Consistency> consistency(@QueryParam("from") String from, @QueryParam("to") String to) {
        if (from == null || to == null) {
            throw new BadRequest("from and to (tree sizes) are required.");
        }
        return proofs.consistency(number("from", from), number("to", to));
    }

    static long number(String name, String value) {
        try {
            long number = Long.parseLong(value.trim());
            if (number >= 1) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadRequest(name + " must be a whole number, 1 or more.");
    }
}
