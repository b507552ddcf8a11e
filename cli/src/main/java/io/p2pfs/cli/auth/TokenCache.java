package io.p2pfs.cli.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.client.http.ServiceHttp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A profile's login: its tokens, when they expire (by this machine's clock, from the issuer's
 * {@code expires_in}, so clock skew does not matter), the token endpoint to refresh at, and who
 * logged in. Kept in a 0600 file per profile.
 */
public final class TokenCache {

    private static final ObjectMapper JSON = ServiceHttp.JSON;

    public record Login(String issuer, String clientId, String tokenEndpoint, String endSessionEndpoint,
            String accessToken, Instant accessExpiresAt, String refreshToken, Instant refreshExpiresAt,
            String login, String userId) {

        public boolean accessValidFor(long seconds, Instant now) {
            return accessToken != null && accessExpiresAt != null && accessExpiresAt.isAfter(now.plusSeconds(seconds));
        }

        public boolean refreshUsable(Instant now) {
            return refreshToken != null && (refreshExpiresAt == null || refreshExpiresAt.isAfter(now.plusSeconds(5)));
        }

        public Login withUserId(String id) {
            return new Login(issuer, clientId, tokenEndpoint, endSessionEndpoint, accessToken, accessExpiresAt,
                    refreshToken, refreshExpiresAt, login, id);
        }
    }

    private final Path file;

    public TokenCache(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public Optional<Login> read() {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), Login.class));
        } catch (IOException e) {
            // A damaged cache is a missing login, not a crash: the next login rewrites it.
            return Optional.empty();
        }
    }

    public void write(Login login) {
        try {
            PrivateFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(login));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean delete() {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }
}
