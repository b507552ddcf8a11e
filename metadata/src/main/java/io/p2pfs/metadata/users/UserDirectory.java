package io.p2pfs.metadata.users;

import io.p2pfs.common.problem.Forbidden;
import io.p2pfs.metadata.core.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Turns a verified token into a {@link Caller}: the user id comes from the registration the
 * tracker announced on {@code p2pfs.users} (kept in {@code registered_users}); on a miss the
 * tracker is asked with the caller's own token, and a login it does not know is refused with a
 * 403 that says how to register. Registrations are never withdrawn, so a known one is final:
 * this replica keeps those it has seen in memory (bounded) and asks the database only once per
 * subject.
 */
@ApplicationScoped
public class UserDirectory {

    private final TrackerClient tracker;
    private final TrackerConfig trackerConfig;
    /** subject -> user id, of registrations this replica has read. Final, so never stale. */
    private final java.util.concurrent.ConcurrentHashMap<String, String> known =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_KNOWN = 100_000;

    public UserDirectory(TrackerClient tracker, TrackerConfig trackerConfig) {
        this.tracker = tracker;
        this.trackerConfig = trackerConfig;
    }

    /** The caller behind {@code identity}; runs in (or opens) a session. */
    public Uni<Caller> caller(SecurityIdentity identity) {
        if (!(identity.getPrincipal() instanceof JsonWebToken token) || token.getSubject() == null) {
            return Uni.createFrom().failure(new Forbidden("The token names no subject."));
        }
        String subject = token.getSubject();
        Set<String> groups = groups(token);
        boolean admin = identity.hasRole("admin");
        String login = identity.getPrincipal().getName();
        String cached = known.get(subject);
        if (cached != null) {
            io.p2pfs.common.problem.RequestActor.remember(cached, subject);
            return Uni.createFrom().item(new Caller(cached, subject, login, groups, admin));
        }
        return Panache.withSession(() -> RegisteredUser.<RegisteredUser>findById(subject))
                .flatMap(found -> found != null ? Uni.createFrom().item(found.userId)
                        : askTracker(subject, token.getRawToken()))
                .invoke(userId -> {
                    if (known.size() >= MAX_KNOWN) {
                        known.clear();
                    }
                    known.put(subject, userId);
                })
                .map(userId -> {
                    io.p2pfs.common.problem.RequestActor.remember(userId, subject);
                    return new Caller(userId, subject, login, groups, admin);
                });
    }

    private Uni<String> askTracker(String subject, String rawToken) {
        return tracker.me(rawToken).flatMap(registration -> {
            if (registration.isEmpty()) {
                return Uni.createFrom().failure(new Forbidden("You are not registered: register first with POST "
                        + trackerConfig.url() + "/api/v1/users, then retry.").with("register",
                                trackerConfig.url() + "/api/v1/users"));
            }
            TrackerClient.Registration found = registration.get();
            return remember(subject, found.userId(), found.login()).replaceWith(found.userId());
        });
    }

    /** Stores a registration (idempotent: the first writer wins, later ones change nothing). */
    public static Uni<Integer> remember(String subject, String userId, String login) {
        return Panache.withTransaction(() -> Panache.getSession().flatMap(session -> session.createNativeQuery(
                "INSERT INTO registered_users (subject, user_id, login) VALUES (:s, :u, :l) ON CONFLICT DO NOTHING")
                .setParameter("s", subject).setParameter("u", userId).setParameter("l", login).executeUpdate()));
    }

    static Set<String> groups(JsonWebToken token) {
        Object claim = token.getClaim("groups");
        Set<String> groups = new LinkedHashSet<>();
        if (claim instanceof jakarta.json.JsonArray array) {
            for (var value : array) {
                if (value instanceof jakarta.json.JsonString string) {
                    groups.add(strip(string.getString()));
                }
            }
        } else if (claim instanceof Collection<?> values) {
            for (Object value : values) {
                groups.add(strip(String.valueOf(value)));
            }
        }
        groups.removeIf(String::isBlank);
        return groups;
    }

    /** Keycloak's group mapper may emit full paths ({@code /engineering}); ACLs name groups plainly. */
    private static String strip(String group) {
        return group.startsWith("/") ? group.substring(1) : group;
    }
}
