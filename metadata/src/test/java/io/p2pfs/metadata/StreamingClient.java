package io.p2pfs.metadata;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Large uploads and downloads that never hold the content in the test's memory: the body is
 * generated from a seed as it is sent and hashed as it is received.
 */
final class StreamingClient {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private StreamingClient() {
    }

    /** Deterministic pseudo-random bytes; {@link #sha256()} is the digest of what was read. */
    static final class Generated extends InputStream {
        private final SplittableRandom random;
        private final MessageDigest digest = sha();
        private long remaining;

        Generated(long size, long seed) {
            this.random = new SplittableRandom(seed);
            this.remaining = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (remaining == 0) {
                return -1;
            }
            int n = (int) Math.min(length, remaining);
            for (int i = 0; i < n; i += 8) {
                long value = random.nextLong();
                for (int j = 0; j < 8 && i + j < n; j++) {
                    buffer[offset + i + j] = (byte) (value >>> (8 * j));
                }
            }
            digest.update(buffer, offset, n);
            remaining -= n;
            return n;
        }

        String sha256() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    record Upload(int status, String body, String sha256) {
    }

    static Upload upload(String baseUrl, String token, String path, long size, long seed)
            throws IOException, InterruptedException {
        Generated content = new Generated(size, seed);
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/files" + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> content),
                        size))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        return new Upload(response.statusCode(), response.body(), content.sha256());
    }

    record Download(int status, long bytes, String sha256) {
    }

    static Download download(String baseUrl, String token, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/files" + path))
                .header("Authorization", "Bearer " + token).GET().build();
        HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest digest = sha();
        long total = 0;
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
                total += n;
            }
        }
        return new Download(response.statusCode(), total, HexFormat.of().formatHex(digest.digest()));
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
