package io.p2pfs.client.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The Vert.x HTTP clients of the library: keep-alive pools, host names verified, trust in the
 * JVM's CAs or in exactly the CA certificates of one PEM file (the stack's own CA). There is no
 * trust-all mode.
 */
public final class HttpClients {

    private HttpClients() {
    }

    /** For chunk transfers: enough pooled connections per node for the transfer windows. */
    public static HttpClient forNodes(Vertx vertx, Path caPem, int connectionsPerNode) {
        return vertx.createHttpClient(options(caPem).setMaxPoolSize(connectionsPerNode));
    }

    /** For the REST APIs. */
    public static HttpClient forServices(Vertx vertx, Path caPem) {
        return vertx.createHttpClient(options(caPem).setMaxPoolSize(8));
    }

    private static HttpClientOptions options(Path caPem) {
        HttpClientOptions options = new HttpClientOptions().setConnectTimeout(5_000).setKeepAlive(true)
                .setVerifyHost(true).setIdleTimeout(60).setIdleTimeoutUnit(TimeUnit.SECONDS);
        if (caPem != null) {
            options.setTrustOptions(new PemTrustOptions().addCertPath(caPem.toString()));
        }
        return options;
    }
}
