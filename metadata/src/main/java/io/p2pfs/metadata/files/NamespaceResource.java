package io.p2pfs.metadata.files;

import io.p2pfs.metadata.core.Caller;
import io.p2pfs.client.api.NamespaceApi;
import io.p2pfs.common.paths.FsPath;
import io.p2pfs.metadata.users.UserDirectory;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** Namespace endpoints that move no content: stat, list, mkdir, versions, restore. */
@Path("/api/v1")
@RolesAllowed({"user", "admin"})
public class NamespaceResource {

    private final NamespaceService namespace;
    private final UserDirectory users;
    private final SecurityIdentity identity;

    public NamespaceResource(NamespaceService namespace, UserDirectory users, SecurityIdentity identity) {
        this.namespace = namespace;
        this.users = users;
        this.identity = identity;
    }

    @GET
    @Path("/stat{path: (/.*)?}")
    public Uni<NamespaceApi.Stat> stat(@PathParam("path") String path) {
        FsPath parsed = FsPath.parse(path);
        return users.caller(identity).flatMap(caller -> namespace.stat(parsed, caller));
    }

    @GET
    @Path("/list{path: (/.*)?}")
    public Uni<NamespaceApi.Listing> list(@PathParam("path") String path, @QueryParam("cursor") String cursor,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        FsPath parsed = FsPath.parse(path);
        return users.caller(identity).flatMap(caller -> namespace.list(parsed, cursor, limit, caller));
    }

    @POST
    @Path("/dirs{path: /.+}")
    public Uni<Response> mkdir(@PathParam("path") String path,
            @QueryParam("parents") @DefaultValue("false") boolean parents) {
        FsPath parsed = FsPath.parse(path);
        return users.caller(identity).flatMap(caller -> namespace.mkdir(parsed, parents, caller))
                .map(created -> Response.status(created.created().isEmpty() ? 200 : 201).entity(created).build());
    }

    @GET
    @Path("/versions{path: /.+}")
    public Uni<List<NamespaceApi.VersionInfo>> versions(@PathParam("path") String path) {
        FsPath parsed = FsPath.parse(path);
        return users.caller(identity).flatMap(caller -> namespace.versions(parsed, caller));
    }

    @POST
    @Path("/versions{path: /.+}/{n: [0-9]+}/restore")
    public Uni<Response> restore(@PathParam("path") String path, @PathParam("n") int version) {
        FsPath parsed = FsPath.parse(path);
        return users.caller(identity).flatMap(caller -> namespace.restore(parsed, version, caller))
                .map(info -> Response.status(201).entity(info).build());
    }
}
