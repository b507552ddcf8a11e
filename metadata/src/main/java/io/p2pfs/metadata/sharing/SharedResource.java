package io.p2pfs.metadata.sharing;

import io.p2pfs.client.api.NamespaceApi;
import io.p2pfs.metadata.users.UserDirectory;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

/** {@code GET /api/v1/shared}: what others shared with the caller, by path, a page at a time. */
@Path("/api/v1/shared")
@RolesAllowed({"user", "admin"})
public class SharedResource {

    private final SharedService shared;
    private final UserDirectory users;
    private final SecurityIdentity identity;

    public SharedResource(SharedService shared, UserDirectory users, SecurityIdentity identity) {
        this.shared = shared;
        this.users = users;
        this.identity = identity;
    }

    @GET
    public Uni<NamespaceApi.SharedPage> list(@QueryParam("cursor") String cursor,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        return users.caller(identity).flatMap(caller -> shared.shared(caller, cursor, limit));
    }
}
