package io.p2pfs.audit.log;

import io.p2pfs.common.audit.TreeHead;
import io.p2pfs.common.problem.Conflict;
import io.p2pfs.common.problem.NotFound;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/v1/audit/tree-head} (the latest signed head), {@code POST /api/v1/audit/tree-heads}
 * (sign one now; auditors and admins) and {@code GET /api/v1/audit/signing-keys} (the public
 * keys heads are signed with; public, like the heads themselves are meant to be).
 */
@Path("/api/v1/audit")
public class TreeHeadResource {

    private final Pool pool;
    private final TreeStore tree;
    private final HeadPublisher publisher;
    private final LogKeys keys;

    public TreeHeadResource(Pool pool, TreeStore tree, HeadPublisher publisher, LogKeys keys) {
        this.pool = pool;
        this.tree = tree;
        this.publisher = publisher;
        this.keys = keys;
    }

    @GET
    @Path("/tree-head")
    @Produces(MediaType.APPLICATION_JSON)
    @Authenticated
    public Uni<TreeHead> latest() {
        return tree.latestHead(pool).map(head -> head.orElseThrow(() -> new NotFound("No tree head has been signed yet.")));
    }

    @POST
    @Path("/tree-heads")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({"auditor", "admin"})
    public Uni<Response> signNow() {
        // signing waits on the database and the broker: a worker thread, not the event loop
        return Uni.createFrom().item(() -> {
            try {
                HeadPublisher.Publication publication = publisher.publish(true);
                return Response.status(Response.Status.CREATED).entity(publication.head()).build();
            } catch (LogIntegrityException e) {
                throw new Conflict("No head was signed: " + e.getMessage());
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("signing a tree head failed", e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    @GET
    @Path("/signing-keys")
    @Produces(MediaType.APPLICATION_JSON)
    @PermitAll
    public List<Proofs.SigningKey> signingKeys() {
        List<Proofs.SigningKey> answer = new ArrayList<>();
        keys.trustedKeys().forEach((id, publicKey) -> answer.add(new Proofs.SigningKey(id, "Ed25519", publicKey,
                id.equals(keys.keyId()))));
        return answer;
    }
}
