package io.p2pfs.client.transfer;

import io.p2pfs.client.api.Downloads;
import io.p2pfs.client.api.Uploads;
import java.util.Set;
import java.util.UUID;

/**
 * The metadata service as the chunk pipeline talks to it: upload sessions, placements,
 * commits, manifests and replica reports. {@code HttpControlPlane} calls the REST API; the
 * service's own gateway implements it in-process, so both paths run one pipeline. Calls block
 * and are made from the pipeline's own threads, never from an event loop. Failures are the
 * implementation's exceptions: {@link io.p2pfs.client.P2pfsException} over HTTP, the service's
 * problem exceptions in-process.
 */
public interface ControlPlane {

    /** @param lockTokens the tokens of locks the caller holds on the path (may be empty) */
    Uploads.Session begin(Uploads.Begin begin, Set<String> lockTokens);

    /**
     * Stores a small file's whole {@code content} in one call (the service decides how: kept
     * inline, or through its own chunk pipeline), with the conditions of an upload. Null when this
     * control plane has no such call; the caller then runs the chunk pipeline itself.
     */
    default Uploads.Result small(String path, byte[] content, String ifMatch, boolean createOnly,
            Set<String> lockTokens) {
        return null;
    }

    Uploads.Placements place(UUID uploadId, Uploads.PlacementRequest request);

    Uploads.Result commit(UUID uploadId, Uploads.Commit commit, Set<String> lockTokens);

    /** Ends a session that will not be committed; what it wrote becomes garbage. */
    void abort(UUID uploadId);

    /** @param version null: the current one; @param length null: to the end */
    Downloads.ManifestPage manifest(String path, Integer version, long offset, Long length);

    void report(Downloads.ReplicaReport report);
}
