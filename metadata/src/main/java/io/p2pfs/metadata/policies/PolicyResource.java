package io.p2pfs.metadata.policies;

import io.p2pfs.common.paths.FsPath;
import io.p2pfs.metadata.namespace.Caller;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

/** {@code /api/v1/policies/{path}}: a directory's own policy and the one in effect at a path. */
@Path("/api/v1/policies")
@RolesAllowed({"user", "admin"})
public class PolicyResource {

    private final PolicyService policies;
    private final SecurityIdentity identity;

    public PolicyResource(PolicyService policies, SecurityIdentity identity) {
        this.policies = policies;
        this.identity = identity;
    }

    @GET
    @Path("{path: .*}")
    public Uni<PolicyApi> get(@PathParam("path") String path) {
        return policies.get(FsPath.parse(path), Caller.of(identity));
    }

    @PUT
    @Path("{path: .*}")
    public Uni<PolicyApi> put(@PathParam("path") String path, PolicySettings settings) {
        return policies.put(FsPath.parse(path), settings, Caller.of(identity));
    }
}
