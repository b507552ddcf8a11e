package io.p2pfs.peer.chunks;

import io.p2pfs.common.problem.PayloadTooLarge;
import io.p2pfs.peer.PeerConfig;
import jakarta.ws.rs.NameBinding;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses a request that announces a body of more than one chunk (413) before its body is read,
 * on the endpoints annotated {@link Limited}, so a node never buffers more than a chunk for
 * anyone. A body without a length is read up to the HTTP body limit and refused by the store if
 * longer.
 */
public class ChunkBodyLimit {

    /** Marks an endpoint whose body is one chunk. */
    @NameBinding
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    public @interface Limited {
    }

    private final long maxBytes;

    public ChunkBodyLimit(PeerConfig config) {
        this.maxBytes = config.chunks().maxBytes();
    }

    @ServerRequestFilter
    @Limited
    public void limit(ContainerRequestContext request) {
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
