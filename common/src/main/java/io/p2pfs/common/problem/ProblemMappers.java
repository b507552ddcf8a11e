package io.p2pfs.common.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one set of exception mappers every service uses: each failure becomes
 * {@code application/problem+json} with the right status. Nothing here echoes Java exception
 * names or internal messages to the caller; unexpected failures are logged with a reference
 * the caller also gets.
 */
public class ProblemMappers {

    private final DenialGate denials;

    public ProblemMappers(DenialGate denials) {
        this.denials = denials;
    }

    @ServerExceptionMapper
    public Response problem(ProblemException problem, UriInfo uri, HttpServerRequest request,
            RoutingContext routing) {
        if (problem.isDenial()) {
            denials.refused(problem, request, routing);
        }
        return Problems.of(problem, path(uri));
    }

    @ServerExceptionMapper({AuthenticationFailedException.class, UnauthorizedException.class})
    public Response unauthenticated(RuntimeException failure, UriInfo uri, HttpServerRequest request,
            RoutingContext routing) {
        String detail = "A valid bearer token is required.";
        boolean presented = request.getHeader("Authorization") != null;
        record(401, presented ? "invalid token" : "missing token", request, routing, null, null);
        return Problems.response(401, "Unauthorized", detail, path(uri), Map.of(),
                Map.of("WWW-Authenticate", "Bearer"));
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException failure, UriInfo uri, HttpServerRequest request,
            RoutingContext routing) {
        record(403, "missing role", request, routing, null, null);
        return Problems.response(403, "The caller lacks the role this operation needs.", path(uri));
    }

    @ServerExceptionMapper({JsonProcessingException.class, MismatchedInputException.class,
            InvalidFormatException.class})
    public Response malformedJson(JsonProcessingException failure, UriInfo uri) {
        String where = "";
        if (failure instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            where = " at '" + mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining(".")) + "'";
        }
        return Problems.response(400, "The request body is not valid JSON for this operation" + where + ".",
                path(uri));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException failure, UriInfo uri) {
        int status = failure.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(failure, uri);
        }
        String detail = switch (status) {
            case 404 -> "No resource at this path.";
            case 405 -> "This method is not allowed on this resource.";
            case 406 -> "No acceptable representation for the Accept header.";
            case 415 -> "Unsupported Content-Type for this operation.";
            default -> Problems.reason(status) + ".";
        };
        return Problems.response(status, detail, path(uri));
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable failure, UriInfo uri) {
        if (unstorableText(failure)) {
            // Input validation should have refused it; this is the fence behind it, not a server fault.
            Log.warnf("Refused text the database cannot store at %s: %s", path(uri), failure.getMessage());
            return Problems.response(400, "Text with a NUL or another character the store cannot hold was "
                    + "refused.", path(uri));
        }
        String reference = UUID.randomUUID().toString();
        Log.errorf(failure, "Unexpected failure, reference %s", reference);
        return Problems.response(500, "Internal Server Error",
                "An unexpected error occurred; quote reference " + reference + ".", path(uri),
                Map.of("reference", reference), Map.of());
    }

    private void record(int status, String reason, HttpServerRequest request, RoutingContext routing, String path,
            String permission) {
        denials.refused(status, reason, request, routing, path, permission);
    }

    /** Whether PostgreSQL refused a value for its characters (NUL, or no valid UTF-8): a client's input. */
    static boolean unstorableText(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            String state = cause instanceof io.vertx.pgclient.PgException pg ? pg.getSqlState()
                    : cause instanceof org.hibernate.JDBCException jdbc ? jdbc.getSQLState()
                    : cause instanceof java.sql.SQLException sql ? sql.getSQLState() : null;
            if ("22021".equals(state) || "22P05".equals(state)) {
                return true;
            }
        }
        return false;
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : uri.getPath();
    }
}
