package io.p2pfs.metadata.quotas;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.client.api.Quotas;
import io.p2pfs.common.problem.BadRequest;
import io.p2pfs.metadata.users.UserDirectory;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Iterator;

/**
 * {@code /api/v1/admin/usage} (admins): every user's usage a page at a time, one user's, and
 * setting or clearing a user's own storage limit.
 */
@Path("/api/v1/admin/usage")
@RolesAllowed("admin")
public class AdminUsageResource {

    private final UsageService usage;
    private final UserDirectory users;
    private final SecurityIdentity identity;

    public AdminUsageResource(UsageService usage, UserDirectory users, SecurityIdentity identity) {
        this.usage = usage;
        this.users = users;
        this.identity = identity;
    }

    @GET
    public Uni<Quotas.UsagePage> all(@QueryParam("cursor") String cursor,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        return users.caller(identity).flatMap(admin -> usage.all(cursor, limit));
    }

    @GET
    @Path("{userId}")
    public Uni<Quotas.Usage> one(@PathParam("userId") String userId) {
        return users.caller(identity).flatMap(admin -> usage.of(userId));
    }

    /** Body {@code {"limitBytes": N}} (bytes, 0: no limit) or {@code {"limitBytes": null}} (the default applies). */
    @PUT
    @Path("{userId}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Quotas.Usage> setLimit(@PathParam("userId") String userId, JsonNode body) {
        Long limitBytes = limitBytes(body);
        return users.caller(identity).flatMap(admin -> usage.setLimit(userId, limitBytes, admin));
    }

    static Long limitBytes(JsonNode body) {
        if (body == null || !body.isObject() || !body.has("limitBytes")) {
            throw new BadRequest("The body must be {\"limitBytes\": N} (bytes, 0 for no limit) or "
                    + "{\"limitBytes\": null} (the default applies).");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!name.equals("limitBytes")) {
                throw new BadRequest("Unknown member '" + name + "'; the body has limitBytes only.");
            }
        }
        JsonNode value = body.get("limitBytes");
        if (value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw new BadRequest("limitBytes must be a whole number of bytes, 0 (no limit) or more, or null.");
        }
        return value.asLong();
    }
}
