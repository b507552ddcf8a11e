package io.p2pfs.metadata.uploads;

import io.p2pfs.client.api.Uploads;
import io.p2pfs.client.chunks.ChunkCipher;
import io.p2pfs.common.chunks.ChunkId;
import io.p2pfs.common.problem.BadRequest;
import io.p2pfs.common.problem.PayloadTooLarge;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/** Bounds and shapes of what a client sends to the upload endpoints. */
final class UploadRules {

    private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");

    private UploadRules() {
    }

    static Uploads.PlacementRequest placements(Uploads.PlacementRequest request, int maxChunks, int maxCipherSize) {
        if (request == null || request.chunks() == null || request.chunks().isEmpty()) {
            throw new BadRequest("A placement request is {chunks: [{chunkId, size}, ...]} with at least one chunk.");
        }
        if (request.chunks().size() > maxChunks) {
            throw new PayloadTooLarge("A placement request names at most " + maxChunks + " chunks.");
        }
        for (Uploads.ChunkToPlace chunk : request.chunks()) {
            if (chunk == null || !ChunkId.isValid(chunk.chunkId())) {
                throw new BadRequest("A chunk id is 64 lower-case hex digits (SHA-256 of the ciphertext).");
            }
            if (chunk.size() <= ChunkCipher.TAG_BYTES || chunk.size() > maxCipherSize) {
                throw new BadRequest("Chunk " + chunk.chunkId() + ": a ciphertext holds " + (ChunkCipher.TAG_BYTES + 1)
                        + " to " + maxCipherSize
                        + " bytes.").with("chunkId", chunk.chunkId());
            }
        }
        return request;
    }

    static List<Uploads.ManifestEntry> manifest(Uploads.Commit commit, int maxChunks, int maxPlainLength) {
        if (commit == null || commit.manifest() == null) {
            throw new BadRequest("A commit is {manifest: [{chunkId, plainHash, plainLength}, ...], receipts: [...], "
                    + "sha256}.");
        }
        if (commit.manifest().size() > maxChunks) {
            throw new PayloadTooLarge("A commit names at most " + maxChunks + " chunks.");
        }
        for (Uploads.ManifestEntry entry : commit.manifest()) {
            if (entry == null || !ChunkId.isValid(entry.chunkId())) {
                throw new BadRequest("A chunk id is 64 lower-case hex digits (SHA-256 of the ciphertext).");
            }
            if (entry.plainHash() == null || !SHA256.matcher(entry.plainHash()).matches()) {
                throw new BadRequest("Chunk " + entry.chunkId() + ": plainHash is 64 lower-case hex digits.")
                        .with("chunkId", entry.chunkId());
            }
            if (entry.plainLength() < 1 || entry.plainLength() > maxPlainLength) {
                throw new BadRequest("Chunk " + entry.chunkId() + ": plainLength is 1 to " + maxPlainLength + ".")
                        .with("chunkId", entry.chunkId());
            }
        }
        if (commit.sha256() == null || !SHA256.matcher(commit.sha256()).matches()) {
            throw new BadRequest("sha256 is the whole content's SHA-256, 64 lower-case hex digits.");
        }
        if (commit.receipts() != null && commit.receipts().size() > 8L * Math.max(1, commit.manifest().size())) {
            throw new PayloadTooLarge("A commit carries at most 8 receipts per chunk.");
        }
        return commit.manifest();
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
