package io.p2pfs.client.api;

import java.util.List;

/** The bodies of {@code GET /api/v1/manifests/{path}} and of replica reports. */
public final class Downloads {

    private Downloads() {
    }

    /**
     * One page of a version's manifest for the byte range {@code [offset, offset + length)}:
     * the chunks that cover it, in order, each with its key and where it can be read. {@code next}
     * is the offset of the next page, or null on the last. A small file kept inline by the service
     * has no chunks: {@code inline} is then the range's bytes themselves (base64).
     */
    public record ManifestPage(String path, int version, long size, String etag, String sha256, long offset,
            long length, List<ChunkLocation> chunks, Long next, String inline) {

        public ManifestPage(String path, int version, long size, String etag, String sha256, long offset, long length,
                List<ChunkLocation> chunks, Long next) {
            this(path, version, size, etag, sha256, offset, length, chunks, next, null);
        }
    }

    /**
     * A chunk at file offset {@code offset}: its id, its key (base64; AES-256-GCM with a zero
     * nonce, the tag authenticates the chunk) and its replicas, best first.
     */
    public record ChunkLocation(long offset, int plainLength, String chunkId, String key, List<Source> sources) {
    }

    /** A replica and the read token its node accepts for exactly this chunk. */
    public record Source(String nodeId, String url, String readToken) {
    }

    /**
     * {@code POST /api/v1/replicas/reports}: a replica failed to read or authenticate. The
     * metadata service checks the replica itself before it acts, so a false report changes nothing.
     */
    public record ReplicaReport(String chunkId, String nodeId, String reason) {
    }
}
