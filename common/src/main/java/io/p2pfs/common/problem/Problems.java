package io.p2pfs.common.problem;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds RFC 9457 problem documents; the only place their shape is defined. */
public final class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final MediaType PROBLEM_JSON = MediaType.valueOf(MEDIA_TYPE);
    public static final String TYPE_PREFIX = "urn:p2pfs:problem:";

    private Problems() {
    }

    public static Response response(int status, String title, String detail, String instance,
            Map<String, Object> extensions, Map<String, String> headers) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_PREFIX + slug(title));
        body.put("title", title);
        body.put("status", status);
        if (detail != null) {
            body.put("detail", detail);
        }
        if (instance != null) {
            body.put("instance", instance);
        }
        extensions.forEach(body::putIfAbsent);
        Response.ResponseBuilder builder = Response.status(status).type(PROBLEM_JSON).entity(body);
        headers.forEach(builder::header);
        return builder.build();
    }

    public static Response response(int status, String detail, String instance) {
        return response(status, reason(status), detail, instance, Map.of(), Map.of());
    }

    public static Response of(ProblemException problem, String instance) {
        return response(problem.status(), problem.title(), problem.detail(), instance,
                problem.extensions(), problem.headers());
    }

    static String slug(String title) {
        return title.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    public static String reason(int status) {
        Response.Status known = Response.Status.fromStatusCode(status);
        if (known != null) {
            return known.getReasonPhrase();
        }
        return switch (status) {
            case 422 -> "Unprocessable Content";
            case 423 -> "Locked";
            case 507 -> "Insufficient Storage";
            default -> "Error";
        };
    }
}
