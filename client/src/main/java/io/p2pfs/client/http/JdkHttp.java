package io.p2pfs.client.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
 * The JDK's HTTP client for the REST APIs, with the same trust as {@link HttpClients}: the JVM's
 * CAs, or exactly the CA certificates of one PEM file; host names verified; HTTP/1.1 keep-alive.
 */
public final class JdkHttp {

    private JdkHttp() {
    }

    public static java.net.http.HttpClient client(Path caPem) {
        java.net.http.HttpClient.Builder builder = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5));
        if (caPem != null) {
            builder.sslContext(trusting(caPem));
        }
        return builder.build();
    }

    /** An SSL context that trusts exactly the certificates of a PEM file. */
    public static SSLContext trusting(Path caPem) {
        try (InputStream in = Files.newInputStream(caPem)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int index = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + index++, certificate);
            }
            if (index == 0) {
                throw new IllegalArgumentException(caPem + " holds no certificate");
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read CA certificates from " + caPem, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read CA certificates from " + caPem + ": " + e.getMessage(), e);
        }
    }
}
