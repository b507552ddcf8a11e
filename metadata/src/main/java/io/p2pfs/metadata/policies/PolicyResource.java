package io.p2pfs.metadata.policies;

import io.p2pfs.common.paths.FsPath;
import io.p2pfs.metadata.users.UserDirectory;
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
    private final UserDirectory users;

    public PolicyResource(PolicyService policies, SecurityIdentity identity, UserDirectory users) {
        this.users = users;
        this.policies = policies;
        this.identity = identity;
    }

    @GET
    @Path("{path: .*}")
    public Uni<PolicyApi> get(@PathParam("path") String path) {
        return users.caller(identity).flatMap(caller -> policies.get(FsPath.parse(path), caller));
    }

    @PUT
    @Path("{path: .*}")
    public Uni<PolicyApi> put(@PathParam("path") String path, PolicySettings settings) {
        return users.caller(identity).flatMap(caller -> policies.put(FsPath.parse(path), settings, caller));
    }
}
