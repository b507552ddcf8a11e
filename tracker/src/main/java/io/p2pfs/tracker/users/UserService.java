package io.p2pfs.tracker.users;

import io.p2pfs.common.events.AuditData;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.outbox.Outbox;
import io.p2pfs.common.problem.Conflict;
import io.p2pfs.common.problem.NotFound;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Registers users under unique ids; the database's unique constraints decide every race. */
@ApplicationScoped
public class UserService {

    private final Outbox outbox;

    public UserService(Outbox outbox) {
        this.outbox = outbox;
    }

    /**
     * Registers {@code userId} for the login with subject {@code subject}. Exactly one of any
     * number of concurrent registrations of one id, or of one login, succeeds; the others get
     * 409. An id equal to another user's login name is refused (409) too. The
     * {@code user.registered} event commits with the row.
     *
     * @param assignedBy the admin who assigned the id, or null when the login registers itself
     */
    @WithTransaction
    public Uni<UserView> register(String userId, String subject, String login, String clientAddress,
            String assignedBy) {
        Instant now = Instant.now();
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                "SELECT user_id FROM users WHERE lower(login) = :id AND subject <> :subject", String.class)
                .setParameter("id", userId).setParameter("subject", subject).getResultList()
                .flatMap(others -> {
                    if (!others.isEmpty()) {
                        throw new Conflict("'" + userId + "' is the login name of another user; choose another id.");
                    }
                    return session.createNativeQuery("INSERT INTO users (user_id, subject, login, registered_at) "
                            + "VALUES (:id, :subject, :login, :at) ON CONFLICT DO NOTHING")
                            .setParameter("id", userId).setParameter("subject", subject).setParameter("login", login)
                            .setParameter("at", now).executeUpdate();
                }))
                .flatMap(inserted -> inserted == 1
                        ? recordRegistration(userId, subject, login, now, clientAddress, assignedBy)
                        : explainConflict(userId, subject));
    }

    private Uni<UserView> recordRegistration(String userId, String subject, String login, Instant at,
            String clientAddress, String assignedBy) {
        // The subject lets other services map a token to its user id without asking the tracker.
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("userId", userId);
        details.put("login", login);
        details.put("subject", subject);
        if (assignedBy != null) {
            details.put("assignedBy", assignedBy);
        }
        AuditData data = AuditData.success(assignedBy != null ? assignedBy : login, EventTypes.USER_REGISTERED,
                "user:" + userId, details).withClient(clientAddress, null);
        return outbox.record(Topics.USERS, userId, EventTypes.USER_REGISTERED, "user:" + userId, data)
                .replaceWith(new UserView(userId, login, at));
    }

    private Uni<UserView> explainConflict(String userId, String subject) {
        return User.<User>find("subject", subject).firstResult().map(existing -> {
            if (existing != null) {
                throw new Conflict("This login is already registered as user '" + existing.userId + "'.")
                        .with("userId", existing.userId);
            }
            throw new Conflict("The user id '" + userId + "' is taken; choose another.");
        });
    }

    @WithSession
    public Uni<UserView> bySubject(String subject) {
        return User.<User>find("subject", subject).firstResult().map(user -> {
            if (user == null) {
                throw new NotFound("You are not registered yet: POST /api/v1/users to choose a user id.");
            }
            return UserView.of(user);
        });
    }

    @WithSession
    public Uni<UserView> byId(String userId) {
        if (userId == null || !UserIds.PATTERN.matcher(userId).matches()) {
            // No valid id names a user; the database is not asked (it refuses some text outright).
            return Uni.createFrom().failure(new NotFound("No user '" + userId + "'."));
        }
        return User.<User>findById(userId).map(user -> {
            if (user == null) {
                throw new NotFound("No user '" + userId + "'.");
            }
            return UserView.of(user);
        });
    }
}
