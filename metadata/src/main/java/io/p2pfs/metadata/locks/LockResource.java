package io.p2pfs.metadata.locks;

import io.p2pfs.common.paths.FsPath;
import io.p2pfs.metadata.users.UserDirectory;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** {@code /api/v1/locks/{path}}: acquire (POST), renew (PUT), release or break (DELETE) and show (GET) locks. */
@Path("/api/v1/locks")
@RolesAllowed({"user", "admin"})
public class LockResource {

    private final LeaseService leases;
    private final SecurityIdentity identity;
    private final UserDirectory users;

    public LockResource(LeaseService leases, SecurityIdentity identity, UserDirectory users) {
        this.users = users;
        this.leases = leases;
        this.identity = identity;
    }

    @POST
    @Path("{path: .*}")
    public Uni<Response> acquire(@PathParam("path") String path, LockApi.LockRequest request) {
        return users.caller(identity).flatMap(caller -> leases.acquire(parse(path), request, caller))
                .map(granted -> Response.status(201).entity(granted).build());
    }

    @PUT
    @Path("{path: .*}")
    public Uni<LockApi.Renewed> renew(@PathParam("path") String path, @HeaderParam("Lock-Token") String token,
            LockApi.RenewRequest request) {
        return users.caller(identity).flatMap(caller -> leases.renew(parse(path), LockTokens.parse(token), request, caller));
    }

    /**
     * Releases the caller's lock named by {@code Lock-Token} (204); with {@code ?break=true}, breaks
     * every live lock on the path whoever holds it (owner, SHARE or admin; answers the broken locks).
     */
    @DELETE
    @Path("{path: .*}")
    public Uni<Response> release(@PathParam("path") String path, @HeaderParam("Lock-Token") String token,
            @QueryParam("break") @DefaultValue("false") boolean breakLocks) {
        if (breakLocks) {
            return users.caller(identity).flatMap(caller -> leases.breakLocks(parse(path), caller))
                    .map(broken -> Response.ok(new LockApi.Broken(broken)).build());
        }
        return users.caller(identity).flatMap(caller -> leases.release(parse(path), LockTokens.parse(token), caller))
                .replaceWith(Response.noContent().build());
    }

    @GET
    @Path("{path: .*}")
    public Uni<List<LockApi.LockInfo>> list(@PathParam("path") String path) {
        return users.caller(identity).flatMap(caller -> leases.list(parse(path), caller));
    }

    private static FsPath parse(String path) {
        return FsPath.parse("/" + path);
    }
}
