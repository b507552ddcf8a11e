package io.p2pfs.common.chunks;

import io.p2pfs.common.problem.BadRequest;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A chunk's content address: lower-case hex SHA-256 of its ciphertext. Peers
 * verify {@code SHA-256(body) == id} on every write.
 */
public record ChunkId(String hex) {

    public static final Pattern PATTERN = Pattern.compile("^[0-9a-f]{64}$");

    public ChunkId {
        if (hex == null || !PATTERN.matcher(hex).matches()) {
            throw new BadRequest("A chunk id is 64 lower-case hex digits (SHA-256).");
        }
    }

    public static ChunkId of(byte[] sha256) {
        return new ChunkId(HexFormat.of().formatHex(sha256));
    }

    public static boolean isValid(String hex) {
        return hex != null && PATTERN.matcher(hex).matches();
    }

    @Override
    public String toString() {
        return hex;
    }
}
