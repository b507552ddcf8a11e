package io.p2pfs.cli.auth;

import io.p2pfs.cli.CliFailure;
import io.p2pfs.cli.config.Settings;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The access token of a profile's login for every call, refreshed silently (and saved) when it
 * has less than {@link #MARGIN_SECONDS} left, so a long transfer never runs out of token.
 * Thread-safe: parallel transfers share one refresh.
 */
public final class Credentials implements Supplier<String> {

    public static final long MARGIN_SECONDS = 30;

    private final Settings settings;
    private final TokenCache cache;
    private TokenCache.Login login;
    private int refreshes;

    public Credentials(Settings settings) {
        this.settings = settings;
        this.cache = new TokenCache(settings.tokenFile());
    }

    @Override
    public synchronized String get() {
        return current().accessToken();
    }

    /** The login, its access token good for at least the margin. */
    public synchronized TokenCache.Login current() {
        if (login == null) {
            login = cache.read().orElseThrow(() -> CliFailure.auth(
                    "profile '" + settings.profile() + "' is not logged in: run p2pfs login"));
        }
        Instant now = Instant.now();
        if (!login.accessValidFor(MARGIN_SECONDS, now)) {
            if (!login.refreshUsable(now)) {
                throw new CliFailure(io.p2pfs.cli.ExitCodes.AUTH, "Session expired",
                        "the login of profile '" + settings.profile() + "' has expired: run p2pfs login");
            }
            try (Oidc oidc = new Oidc(login.issuer(), login.clientId(), settings.ca())) {
                login = oidc.refresh(login);
            }
            refreshes++;
            cache.write(login);
        }
        return login;
    }

    /** The login as cached, without refreshing it (null if none). */
    public synchronized TokenCache.Login cached() {
        return login != null ? login : cache.read().orElse(null);
    }

    public synchronized void remember(TokenCache.Login updated) {
        login = updated;
        cache.write(updated);
    }

    public synchronized int refreshes() {
        return refreshes;
    }

    public TokenCache cache() {
        return cache;
    }
}
