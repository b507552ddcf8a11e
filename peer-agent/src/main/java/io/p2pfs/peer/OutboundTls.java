package io.p2pfs.peer;

import io.p2pfs.common.tls.CaTrust;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Trust for outgoing HTTPS (tracker, source peers): the CA in {@code P2PFS_TLS_CA} when set,
 * else the JDK's default trust.
 */
public final class OutboundTls {

    private final Optional<java.security.KeyStore> trustStore;
    private final SSLContext sslContext;

    public OutboundTls(Optional<Path> caFile) {
        trustStore = caFile.map(CaTrust::trustStore);
        try {
            sslContext = caFile.isPresent() ? CaTrust.sslContext(caFile.get()) : SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
    }

    public Optional<java.security.KeyStore> trustStore() {
        return trustStore;
    }

    public SSLContext sslContext() {
        return sslContext;
    }
}
