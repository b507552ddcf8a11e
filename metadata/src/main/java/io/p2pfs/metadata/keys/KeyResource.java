package io.p2pfs.metadata.keys;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

/**
 * {@code /api/v1/admin/keys}: which master key ids seal how many rows, and the re-encryption
 * that moves them all to the active key (admin only). Keys themselves never appear here.
 */
@Path("/api/v1/admin/keys")
@RolesAllowed("admin")
public class KeyResource {

    private final KeyRotation rotation;
    private final SecurityIdentity identity;

    public KeyResource(KeyRotation rotation, SecurityIdentity identity) {
        this.rotation = rotation;
        this.identity = identity;
    }

    @GET
    public Uni<KeyRotation.Status> status() {
        return rotation.status();
    }

    @POST
    @Path("/reencrypt")
    public Uni<KeyRotation.Result> reencrypt() {
        return rotation.reencrypt(identity.getPrincipal().getName());
    }
}
