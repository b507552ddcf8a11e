package io.p2pfs.tracker.users;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.common.problem.BadRequest;
import io.p2pfs.common.problem.JsonBodies;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** {@code /api/v1/users}: register a login under a user id, and look users up. */
@Path("/api/v1/users")
public class UserResource {

    private final UserService users;
    private final JsonWebToken token;
    private final ObjectMapper json;

    public UserResource(UserService users, JsonWebToken token, ObjectMapper json) {
        this.users = users;
        this.token = token;
        this.json = json;
    }

    /** The body is optional, so a bare {@code curl -X POST} registers the login name. */
    @POST
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed({"user", "admin"})
    public Uni<Response> register(String rawBody, @Context HttpServerRequest request) {
        RegisterUserRequest body = JsonBodies.optional(json, rawBody, RegisterUserRequest.class);
        String login = token.getClaim("preferred_username");
        String subject = token.getSubject();
        if (subject == null || subject.isBlank()) {
            throw new BadRequest("The token has no subject.");
        }
        String userId = UserIds.choose(body == null ? null : body.userId(), login);
        return users.register(userId, subject, login, request.remoteAddress().hostAddress())
                .map(view -> Response.created(URI.create("/api/v1/users/" + view.userId())).entity(view).build());
    }

    @GET
    @Path("/me")
    @RolesAllowed({"user", "admin", "auditor"})
    public Uni<UserView> me() {
        return users.bySubject(token.getSubject());
    }

    @GET
    @Path("/{userId}")
    @RolesAllowed({"user", "admin", "auditor", "node"})
    public Uni<UserView> byId(@PathParam("userId") String userId) {
        return users.byId(userId);
    }
}
