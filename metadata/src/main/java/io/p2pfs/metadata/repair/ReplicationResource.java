package io.p2pfs.metadata.repair;

import io.p2pfs.client.api.Health;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/**
 * {@code GET /api/v1/admin/replication}: replication health as of now (admins and auditors):
 * chunks by live replica count, the repair queue, copies in flight, drains with the chunks each
 * still has to hand over, and garbage. Chunk ids and node contents are not listed.
 */
@Path("/api/v1/admin/replication")
@RolesAllowed({"admin", "auditor"})
public class ReplicationResource {

    private final ReplicationHealth health;

    public ReplicationResource(ReplicationHealth health) {
        this.health = health;
    }

    @GET
    public Uni<Health.Replication> snapshot() {
        return Panache.withSession(() -> Panache.getSession().flatMap(health::snapshot));
    }
}
