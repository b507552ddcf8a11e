package io.p2pfs.metadata.uploads;

import io.p2pfs.client.api.Uploads;
import io.p2pfs.common.paths.FsPath;
import io.p2pfs.common.problem.BadRequest;
import io.p2pfs.metadata.namespace.WriteGuard;
import io.p2pfs.metadata.users.UserDirectory;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /api/v1/uploads}: the control plane of a direct upload. The client begins a session,
 * asks placements for its new chunks, writes them to the storage nodes itself and commits the
 * manifest with the nodes' receipts; no file byte passes through this service.
 */
@Path("/api/v1/uploads")
@RolesAllowed({"user", "admin"})
public class UploadResource {

    private final UploadSessions sessions;
    private final UploadCommit commits;
    private final UserDirectory users;
    private final SecurityIdentity identity;
    private final WriteGuard guard;

    public UploadResource(UploadSessions sessions, UploadCommit commits, UserDirectory users,
            SecurityIdentity identity, WriteGuard guard) {
        this.sessions = sessions;
        this.commits = commits;
        this.users = users;
        this.identity = identity;
        this.guard = guard;
    }

    @POST
    public Uni<Response> begin(Uploads.Begin begin) {
        if (begin == null || begin.path() == null) {
            throw new BadRequest("A session is begun with {path, ifMatch?, createOnly?}.");
        }
        FsPath path = FsPath.parse(begin.path());
        Set<String> tokens = guard.presentedTokens();
        UploadConditions conditions = new UploadConditions(begin.ifMatch(), Boolean.TRUE.equals(begin.createOnly()));
        return users.caller(identity).flatMap(caller -> sessions.begin(path, conditions, caller, tokens))
                .map(session -> Response.created(URI.create("/api/v1/uploads/" + session.uploadId())).entity(session)
                        .build());
    }

    @POST
    @Path("/{uploadId}/placements")
    public Uni<Uploads.Placements> placements(@PathParam("uploadId") String uploadId,
            Uploads.PlacementRequest request) {
        UUID id = uploadId(uploadId);
        return users.caller(identity).flatMap(caller -> sessions.place(id, request, caller));
    }

    @POST
    @Path("/{uploadId}/commit")
    public Uni<Response> commit(@PathParam("uploadId") String uploadId, Uploads.Commit commit) {
        UUID id = uploadId(uploadId);
        Set<String> tokens = guard.presentedTokens();
        return users.caller(identity).flatMap(caller -> commits.commit(id, commit, caller, tokens))
                .map(result -> Response.status(result.created() ? 201 : 200).header("ETag", result.etag())
                        .header("Location", "/api/v1/files" + result.path()).entity(result).build());
    }

    @DELETE
    @Path("/{uploadId}")
    public Uni<Response> abort(@PathParam("uploadId") String uploadId) {
        UUID id = uploadId(uploadId);
        return users.caller(identity).flatMap(caller -> sessions.abort(id, caller))
                .replaceWith(Response.noContent().build());
    }

    private static UUID uploadId(String raw) {
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("Upload ids are UUIDs.");
        }
    }
}
