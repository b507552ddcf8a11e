package io.p2pfs.metadata.files;

import io.p2pfs.metadata.core.Caller;
import io.p2pfs.client.api.NamespaceApi;
import io.p2pfs.common.paths.FsPath;
import io.p2pfs.metadata.users.UserDirectory;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** Namespace endpoints that move no content: stat, list, mkdir, versions, restore, move. */
@Path("/api/v1")
@RolesAllowed({"user", "admin"})
public class NamespaceResource {

    private final NamespaceService namespace;
    private final MoveService moves;
    private final UserDirectory users;
    private final SecurityIdentity identity;
    private final FastStat fast;

    public NamespaceResource(NamespaceService namespace, MoveService moves, UserDirectory users,
            SecurityIdentity identity, FastStat fast) {
        this.fast = fast;
        this.namespace = namespace;
        this.moves = moves;
        this.users = users;
        this.identity = identity;
    }

    @GET
    @Path("/stat{path: (/.*)?}")
    public Uni<NamespaceApi.Stat> stat(@PathParam("path") String path,
            @QueryParam("replicas") @DefaultValue("false") boolean replicas) {
        FsPath parsed = FsPath.parse(path);
        return users.caller(identity).flatMap(caller -> replicas ? namespace.stat(parsed, caller, true)
                : fast.stat(parsed, caller).flatMap(answer -> answer.isPresent()
                        ? Uni.createFrom().item(answer.get()) : namespace.stat(parsed, caller, false)));
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

    /** Moves or renames a file or a directory (with everything below it): body {@code {from, to}}. */
    @POST
    @Path("/moves")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<NamespaceApi.Moved> move(NamespaceApi.Move request) {
        FsPath from = MoveService.path(request, true);
        FsPath to = MoveService.path(request, false);
        return users.caller(identity).flatMap(caller -> moves.move(from, to, caller));
    }
}
