package io.p2pfs.peer.chunks;

import io.p2pfs.common.problem.BadRequest;
import io.p2pfs.common.chunks.ChunkId;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.util.List;

/**
 * {@code GET /api/v1/inventory?after=&limit=}: the chunks this node holds, in id order, a page
 * at a time; {@code next} is the {@code after} of the following page (absent on the last).
 * For the metadata service's reconciliation (role {@code node}) and for admins.
 */
@Path("/api/v1/inventory")
public class InventoryResource {

    public record Page(List<ChunkStore.Entry> chunks, String next) {
    }

    static final int MAX_LIMIT = 10_000;

    private final ChunkStore store;

    public InventoryResource(ChunkStore store) {
        this.store = store;
    }

    @GET
    @RolesAllowed({"node", "admin"})
    public Page page(@QueryParam("after") String after, @QueryParam("limit") @DefaultValue("1000") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadRequest("limit must be between 1 and " + MAX_LIMIT + ".");
        }
        if (after != null && !after.isEmpty() && !ChunkId.isValid(after)) {
            throw new BadRequest("after must be a chunk id.");
        }
        List<ChunkStore.Entry> chunks = store.page(after == null || after.isEmpty() ? null : after, limit);
        String next = chunks.size() == limit ? chunks.get(chunks.size() - 1).chunkId() : null;
        return new Page(chunks, next);
    }
}
