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

/**
 * Large uploads and downloads that never hold the content in the test's memory: the body is
 * generated from a seed as it is sent and hashed as it is received.
 */
final class StreamingClient {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private StreamingClient() {
    }

    record Upload(int status, String body, String sha256) {
    }

    static Upload upload(String baseUrl, String token, String path, long size, long seed)
            throws IOException, InterruptedException {
        GeneratedContent content = new GeneratedContent(size, seed);
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
