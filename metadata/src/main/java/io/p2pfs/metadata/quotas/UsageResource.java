package io.p2pfs.metadata.quotas;

import io.p2pfs.client.api.Quotas;
import io.p2pfs.metadata.users.UserDirectory;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** {@code GET /api/v1/usage}: what the caller is charged for, what it occupies, and its limit. */
@Path("/api/v1/usage")
@RolesAllowed({"user", "admin"})
public class UsageResource {

    private final UsageService usage;
    private final UserDirectory users;
    private final SecurityIdentity identity;

    public UsageResource(UsageService usage, UserDirectory users, SecurityIdentity identity) {
        this.usage = usage;
        this.users = users;
        this.identity = identity;
    }

    @GET
    public Uni<Quotas.Usage> own() {
        return users.caller(identity).flatMap(usage::own);
    }
}
