package io.p2pfs.peer.chunks;

import io.p2pfs.common.chunks.ChunkId;
import io.p2pfs.common.chunks.ChunkTokens;
import io.p2pfs.common.problem.NotFound;
import io.p2pfs.peer.membership.NodeIdentity;
import io.p2pfs.peer.membership.NodeKey;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.io.UncheckedIOException;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;

/**
 * {@code /chunks/{chunkId}}: the chunk store over HTTP. Every call needs a chunk token for
 * exactly this chunk, operation and node in the {@code Chunk-Token} header.
 *
 * <p>Runs on worker threads: file I/O, hashing and key fetching block.
 */
@Path("/chunks/{chunkId}")
@Blocking
// No bearer token: each call is authorised by its chunk token, checked below.
@PermitAll
public class ChunkResource {

    /**
     * The answer to a PUT: the chunk is held, and {@code receipt} (a storage receipt signed with
     * this node's key) proves it. The answer is the same whether the chunk arrived now or was
     * already here, so it says nothing about what else this node stores.
     */
    public record Stored(String chunkId, long size, String receipt) {
    }

    private final ChunkStore store;
    private final ChunkTokenVerifier tokens;
    private final NodeIdentity identity;
    private final NodeKey key;

    public ChunkResource(ChunkStore store, ChunkTokenVerifier tokens, NodeIdentity identity, NodeKey key) {
        this.store = store;
        this.tokens = tokens;
        this.identity = identity;
        this.key = key;
    }

    /**
     * Takes the whole body on the event loop (it is at most one chunk: {@link ChunkBodyLimit}
     * refuses a longer announcement before a byte is read), then hands it to a worker once, which
     * checks the token, hashes it, writes it in one go, forces it to disk and signs the receipt;
     * a chunk already held is hashed too and not written again. A body handed over TLS record by
     * TLS record to a blocking reader cost the node a thread wake-up per record: most of its CPU.
     */
    @PUT
    @NonBlocking
    @ChunkBodyLimit.Limited
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> put(@PathParam("chunkId") String chunkId, @HeaderParam(ChunkTokens.HEADER) String token,
            byte[] body) {
        return Uni.createFrom().item(() -> {
            String nodeId = identity.require();
            ChunkId id = authorize(chunkId, token, ChunkTokens.Op.write, nodeId);
            try {
                long size = store.put(id, java.nio.ByteBuffer.wrap(body)).size();
                return Response.status(201).entity(new Stored(id.hex(), size, key.receipt(id.hex(), nodeId, size)))
                        .build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** Sends the file as it is on disk (Vert.x sendfile: zero-copy). */
    @GET
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Response get(@PathParam("chunkId") String chunkId, @HeaderParam(ChunkTokens.HEADER) String token) {
        ChunkId id = authorize(chunkId, token, ChunkTokens.Op.read);
        java.nio.file.Path file = store.find(id).orElseThrow(() -> notHeld(id));
        return Response.ok(file.toFile(), MediaType.APPLICATION_OCTET_STREAM_TYPE).tag(id.hex()).build();
    }

    @HEAD
    public Response head(@PathParam("chunkId") String chunkId, @HeaderParam(ChunkTokens.HEADER) String token) {
        ChunkId id = authorize(chunkId, token, ChunkTokens.Op.read);
        long size = store.size(id).orElseThrow(() -> notHeld(id));
        return Response.ok().type(MediaType.APPLICATION_OCTET_STREAM_TYPE).tag(id.hex())
                .header("Content-Length", size).build();
    }

    @DELETE
    public Response delete(@PathParam("chunkId") String chunkId, @HeaderParam(ChunkTokens.HEADER) String token)
            throws IOException {
        ChunkId id = authorize(chunkId, token, ChunkTokens.Op.delete);
        if (!store.delete(id)) {
            throw notHeld(id);
        }
        return Response.noContent().build();
    }

    private ChunkId authorize(String chunkId, String token, ChunkTokens.Op op) {
        return authorize(chunkId, token, op, identity.require());
    }

    private ChunkId authorize(String chunkId, String token, ChunkTokens.Op op, String nodeId) {
        ChunkId id = new ChunkId(chunkId);
        tokens.verify(token, id, op, nodeId);
        return id;
    }

    private static NotFound notHeld(ChunkId id) {
        return new NotFound("This node does not hold chunk " + id.hex() + ".");
    }
}
