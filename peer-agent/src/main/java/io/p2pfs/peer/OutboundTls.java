package io.p2pfs.peer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Trust for outgoing HTTPS (tracker, source peers): the CA in {@code P2PFS_TLS_CA} when set,
 * else the JDK's default trust.
 */
public final class OutboundTls {

    private final Optional<KeyStore> trustStore;
    private final SSLContext sslContext;

    public OutboundTls(Optional<Path> caFile) {
        try {
            trustStore = caFile.isPresent() ? Optional.of(load(caFile.get())) : Optional.empty();
            if (trustStore.isPresent()) {
                TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(trustStore.get());
                sslContext = SSLContext.getInstance("TLS");
                sslContext.init(null, trust.getTrustManagers(), null);
            } else {
                sslContext = SSLContext.getDefault();
            }
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot load the CA for outgoing HTTPS from " + caFile.orElse(null), e);
        }
    }

    public Optional<KeyStore> trustStore() {
        return trustStore;
    }

    public SSLContext sslContext() {
        return sslContext;
    }

    private static KeyStore load(Path pem) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        try (InputStream in = Files.newInputStream(pem)) {
            int i = 0;
            for (Certificate certificate : factory.generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
        }
        return store;
    }
}
