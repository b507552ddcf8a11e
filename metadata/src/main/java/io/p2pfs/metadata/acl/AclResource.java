package io.p2pfs.metadata.acl;

import io.p2pfs.common.paths.FsPath;
import io.p2pfs.metadata.users.UserDirectory;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;

/** {@code /api/v1/acl/{path}}: read (READ) and replace (SHARE) an entry's access list. */
@Path("/api/v1")
@RolesAllowed({"user", "admin"})
public class AclResource {

    private final AclService acls;
    private final UserDirectory users;
    private final SecurityIdentity identity;

    public AclResource(AclService acls, UserDirectory users, SecurityIdentity identity) {
        this.acls = acls;
        this.users = users;
        this.identity = identity;
    }

    @GET
    @Path("/acl{path: (/.*)?}")
    @WithSession
    public Uni<AclApi.View> get(@PathParam("path") String path) {
        FsPath parsed = FsPath.parse(path);
        return users.caller(identity).flatMap(caller -> acls.view(parsed, caller));
    }

    @PUT
    @Path("/acl{path: (/.*)?}")
    @Consumes(MediaType.APPLICATION_JSON)
    @WithTransaction
    public Uni<AclApi.View> put(@PathParam("path") String path, AclApi.Document document) {
        FsPath parsed = FsPath.parse(path);
        return users.caller(identity).flatMap(caller -> acls.replace(parsed, document, caller));
    }
}
