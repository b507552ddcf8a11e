package io.p2pfs.peer.chunks;

import io.p2pfs.common.problem.PayloadTooLarge;
import io.p2pfs.peer.PeerConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses a chunk PUT that announces more than one chunk (413) before its body is read, so a
 * node never buffers more than a chunk for anyone. A body without a length is read up to the
 * HTTP body limit and refused by the store if longer.
 */
public class ChunkBodyLimit {

    private final long maxBytes;

    public ChunkBodyLimit(PeerConfig config) {
        this.maxBytes = config.chunks().maxBytes();
    }

    @ServerRequestFilter
    public void limit(ContainerRequestContext request) {
        if (!"PUT".equals(request.getMethod()) || !request.getUriInfo().getPath().startsWith("/chunks/")) {
            return;
        }
        String declared = request.getHeaderString("Content-Length");
        if (declared == null) {
            return;
        }
        long length;
        try {
            length = Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            return;
        }
        if (length > maxBytes) {
            throw new PayloadTooLarge("A chunk is at most " + maxBytes + " bytes.");
        }
    }
}
