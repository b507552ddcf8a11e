package io.p2pfs.metadata.datapath;

import io.p2pfs.common.chunks.ChunkTokens;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Chunk transfers to and from peer agents over HTTP(S), each authorized by a chunk token.
 * Runs on the data path's worker threads (blocking calls). Certificates are verified against
 * the configured CA; there is no trust-all mode.
 */
@ApplicationScoped
public class PeerClient {

    private final HttpClient http;
    private final Duration timeout;

    public PeerClient(DataPathConfig.Placement placement, DataPathConfig.Tls tls) {
        this.timeout = placement.peerTimeout();
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5));
        tls.ca().filter(path -> !path.isBlank()).ifPresent(ca -> builder.sslContext(trusting(Path.of(ca))));
        this.http = builder.build();
    }

    /** A peer refused or failed the transfer. */
    public static final class PeerFailure extends Exception {
        public PeerFailure(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * PUTs a chunk without holding a thread while it runs, so one chunk's replicas are written
     * at the same time. Completes normally when stored, exceptionally with a {@link PeerFailure}.
     */
    public java.util.concurrent.CompletableFuture<Void> putAsync(String baseUrl, String chunkId, String token,
            byte[] body, int length) {
        HttpRequest request = HttpRequest.newBuilder(chunkUri(baseUrl, chunkId)).timeout(timeout)
                .header(ChunkTokens.HEADER, token).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body, 0, length)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                throw new java.util.concurrent.CompletionException(new PeerFailure(
                        "PUT " + chunkId + " at " + baseUrl + " failed: " + cause.getClass().getSimpleName()));
            }
            if (response.statusCode() != 200 && response.statusCode() != 201) {
                throw new java.util.concurrent.CompletionException(new PeerFailure(
                        "PUT " + chunkId + " at " + baseUrl + " answered " + response.statusCode()));
            }
            return null;
        });
    }

    public byte[] get(String baseUrl, String chunkId, String token) throws PeerFailure {
        HttpRequest request = HttpRequest.newBuilder(chunkUri(baseUrl, chunkId)).timeout(timeout)
                .header(ChunkTokens.HEADER, token).GET().build();
        HttpResponse<InputStream> response = send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new PeerFailure("GET " + chunkId + " at " + baseUrl + " answered " + response.statusCode());
            }
            return body.readAllBytes();
        } catch (IOException e) {
            throw new PeerFailure("GET " + chunkId + " at " + baseUrl + " broke off: " + e.getMessage());
        }
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws PeerFailure {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new PeerFailure(request.method() + " " + request.uri() + " failed: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerFailure("interrupted");
        }
    }

    private static URI chunkUri(String baseUrl, String chunkId) {
        return URI.create(baseUrl + "/chunks/" + chunkId);
    }

    /** A TLS context that trusts the CA certificates in {@code caFile} (PEM). */
    public static SSLContext trusting(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the CA bundle", e);
        }
    }
}
