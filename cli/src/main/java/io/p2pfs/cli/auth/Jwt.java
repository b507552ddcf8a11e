package io.p2pfs.cli.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Base64;

/**
 * Reads the claims of an access token to show who is logged in. Never used to decide anything:
 * the services verify tokens; this only displays them.
 */
public final class Jwt {

    private static final ObjectMapper JSON = io.p2pfs.client.http.ServiceHttp.JSON;

    private Jwt() {
    }

    public static JsonNode claims(String token) {
        String[] parts = token == null ? new String[0] : token.split("\\.");
        if (parts.length < 2) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException | IllegalArgumentException e) {
            return JSON.createObjectNode();
        }
    }
}
