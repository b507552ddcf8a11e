package io.p2pfs.client.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The bodies of the upload sessions ({@code /api/v1/uploads}): a client begins a session, asks
 * where each new chunk goes, writes the chunks to the storage nodes itself, and commits the
 * manifest with the nodes' storage receipts. The metadata service's gateway runs the same
 * exchange in-process.
 */
public final class Uploads {

    private Uploads() {
    }

    /**
     * {@code POST /api/v1/uploads}. {@code ifMatch}: an ETag the file must still have (or {@code *});
     * {@code createOnly}: fail if the file exists. A {@code Lock-Token} header travels beside it.
     */
    public record Begin(String path, String ifMatch, Boolean createOnly) {
    }

    /**
     * An open session. {@code convergenceKey} is the writer's own convergence secret (base64): the
     * client keys each chunk with {@code HMAC-SHA256(key, SHA-256(plain))}, so identical chunks of
     * this writer dedupe and nobody else's ever share an id.
     */
    public record Session(UUID uploadId, Instant expiresAt, ConvergenceKey convergenceKey, Chunking chunking,
            int replicationFactor, int writeQuorum, int maxChunksPerPlacement) {
    }

    public record ConvergenceKey(String keyId, String key) {
    }

    /** FastCDC sizes in bytes (minimum, average: a power of two, maximum). */
    public record Chunking(int min, int avg, int max) {
    }

    /** {@code POST /api/v1/uploads/{id}/placements}: new chunk ids and their ciphertext sizes. */
    public record PlacementRequest(List<ChunkToPlace> chunks) {
    }

    public record ChunkToPlace(String chunkId, int size) {
    }

    public record Placements(List<ChunkPlacement> chunks) {
    }

    /**
     * Either {@code stored} (the writer's own data already holds the chunk on enough live nodes:
     * send nothing) or the {@code targets} to write it to, best first: the first
     * {@code writeQuorum} at once, the rest as spares for a target that fails.
     */
    public record ChunkPlacement(String chunkId, boolean stored, List<Target> targets) {
    }

    /** A storage node and the write token it accepts for exactly this chunk. */
    public record Target(String nodeId, String url, String writeToken) {
    }

    /**
     * {@code POST /api/v1/uploads/{id}/commit}: the file's chunks in order, the storage receipts
     * of every chunk written in this session, and the SHA-256 of the whole content (hex).
     */
    public record Commit(List<ManifestEntry> manifest, List<String> receipts, String sha256) {
    }

    /** One chunk of the file: its id, the SHA-256 of its plaintext (hex) and the plaintext length. */
    public record ManifestEntry(String chunkId, String plainHash, int plainLength) {
    }

    /**
     * What a commit made: the version, whether it created the file, its ETag, how many chunks had
     * to be sent, the version it was based on and, when another writer committed meanwhile, how
     * the directory's conflict strategy resolved it.
     */
    public record Result(String path, int version, long size, String sha256, int chunks, int chunksSent,
            boolean created, String etag, Integer baseVersion, ConflictOutcome conflict) {
    }

    /** {@code conflictsWith}: the file another writer committed {@code otherVersion} of meanwhile. */
    public record ConflictOutcome(String strategy, String conflictsWith, int otherVersion) {
    }
}
