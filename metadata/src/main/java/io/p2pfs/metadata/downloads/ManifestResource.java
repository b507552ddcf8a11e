package io.p2pfs.metadata.downloads;

import io.p2pfs.client.api.Downloads;
import io.p2pfs.common.paths.FsPath;
import io.p2pfs.metadata.users.UserDirectory;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

/** {@code GET /api/v1/manifests/{path}}: where a direct download reads each chunk of a range. */
@Path("/api/v1/manifests")
@RolesAllowed({"user", "admin"})
public class ManifestResource {

    private final ManifestService manifests;
    private final UserDirectory users;
    private final SecurityIdentity identity;

    public ManifestResource(ManifestService manifests, UserDirectory users, SecurityIdentity identity) {
        this.manifests = manifests;
        this.users = users;
        this.identity = identity;
    }

    @GET
    @Path("{path: .+}")
    public Uni<Downloads.ManifestPage> manifest(@PathParam("path") String rawPath, @QueryParam("version") Integer version,
            @QueryParam("offset") @DefaultValue("0") long offset, @QueryParam("length") Long length) {
        FsPath path = FsPath.parse(rawPath);
        return users.caller(identity).flatMap(caller -> manifests.page(path, version, offset, length, caller));
    }
}
