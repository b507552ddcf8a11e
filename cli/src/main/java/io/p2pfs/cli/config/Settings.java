package io.p2pfs.cli.config;

import java.nio.file.Path;

/**
 * Where one profile's services are and whom to trust: the service URLs, the OpenID issuer (a
 * Keycloak realm URL) and client id to log in with, and the CA certificate file (null: the JVM's
 * trust store). {@code configDirectory} holds the config file and the profile's cached tokens.
 */
public record Settings(String profile, String metadataUrl, String trackerUrl, String auditUrl, String issuer,
        String clientId, Path ca, Path configDirectory) {

    public Path tokenFile() {
        return configDirectory.resolve("tokens").resolve(profile + ".json");
    }

    public Path lockFile() {
        return configDirectory.resolve("locks").resolve(profile + ".json");
    }
}
