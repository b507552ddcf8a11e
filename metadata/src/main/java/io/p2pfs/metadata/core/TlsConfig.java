package io.p2pfs.metadata.core;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** Trust for the service's outgoing HTTPS (storage nodes, the tracker): {@code p2pfs.tls}. */
@ConfigMapping(prefix = "p2pfs.tls")
public interface TlsConfig {
    /** PEM file with the CA that signed the peers' and the tracker's certificates; empty: the JVM's trust store. */
    Optional<String> ca();
}
