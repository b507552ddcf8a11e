package io.p2pfs.common.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Parsing of request bodies an endpoint reads itself (for example, optional ones). */
public final class JsonBodies {

    private JsonBodies() {
    }

    /** The body as {@code type}, or {@code null} when it is empty; malformed JSON is a 400. */
    public static <T> T optional(ObjectMapper json, String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return json.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw new BadRequest("The request body is not valid JSON for this operation.");
        }
    }
}
