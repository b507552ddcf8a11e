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
import jakarta.ws.rs.PUT;
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
        String userId = UserIds.forLogin(body == null ? null : body.userId(), login);
        return users.register(userId, subject, login, request.remoteAddress().hostAddress(), null)
                .map(view -> Response.created(URI.create("/api/v1/users/" + view.userId())).entity(view).build());
    }

    /**
     * An admin registers a login under an id other than its login name (one that is no valid
     * id, or one another user already holds). The id may not be another user's login name.
     */
    @PUT
    @Path("/{userId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("admin")
    public Uni<Response> assign(@PathParam("userId") String userId, String rawBody,
            @Context HttpServerRequest request) {
        AssignUserRequest body = JsonBodies.optional(json, rawBody, AssignUserRequest.class);
        if (body == null || !UserIds.printable(body.subject()) || !UserIds.printable(body.login())) {
            throw new BadRequest("The body needs the login's 'subject' and 'login' (at most 255 printable "
                    + "characters each).");
        }
        String admin = token.getClaim("preferred_username");
        return users.register(UserIds.valid(userId), body.subject(), body.login(),
                request.remoteAddress().hostAddress(), admin == null ? token.getSubject() : admin)
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
