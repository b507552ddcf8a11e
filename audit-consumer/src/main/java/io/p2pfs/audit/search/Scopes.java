package io.p2pfs.audit.search;

import io.p2pfs.common.problem.Forbidden;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who a caller is in the audit log: the user id its token's subject registered (as the tracker
 * announced it, {@code audit_user}), the same id the services record as the actor of what it
 * does. A subject not registered (yet) is its lower-cased login, the id the tracker would give
 * it, unless another subject registered that id: then a caller who is no auditor is refused, so
 * nobody reads another person's events by the name on their token. Registrations are final, so a
 * subject's id is kept once found (bounded).
 */
@ApplicationScoped
public class Scopes {

    private static final int MAX_KNOWN = 100_000;

    private final Pool pool;
    private final ConcurrentHashMap<String, String> known = new ConcurrentHashMap<>();

    public Scopes(Pool pool) {
        this.pool = pool;
    }

    public Uni<Scope> of(SecurityIdentity identity) {
        String login = identity.getPrincipal() == null ? null : identity.getPrincipal().getName();
        if (login == null || login.isBlank()) {
            return Uni.createFrom().failure(new Forbidden("The token names no user."));
        }
        boolean seesAll = identity.hasRole(Scope.AUDITOR) || identity.hasRole(Scope.ADMIN);
        String subject = identity.getPrincipal() instanceof JsonWebToken token ? token.getSubject() : null;
        return userId(subject, login).map(id -> {
            if (id == null) {
                if (seesAll) {
                    return new Scope(login, null, subject);
                }
                throw new Forbidden("The user id " + login.toLowerCase(Locale.ROOT) + " belongs to another login; "
                        + "ask an admin to register yours.");
            }
            return new Scope(id, seesAll ? null : id, subject);
        });
    }

    /** The caller's user id; null when its default id belongs to another subject. */
    private Uni<String> userId(String subject, String login) {
        String fallback = login.toLowerCase(Locale.ROOT);
        if (subject == null || subject.isBlank()) {
            return Uni.createFrom().item(fallback);
        }
        String cached = known.get(subject);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        return pool.preparedQuery("SELECT subject, user_id FROM audit_user WHERE subject = $1 OR user_id = $2")
                .execute(Tuple.of(subject, fallback)).map((RowSet<Row> rows) -> {
                    String other = null;
                    for (Row row : rows) {
                        if (row.getString("subject").equals(subject)) {
                            String id = row.getString("user_id");
                            if (known.size() >= MAX_KNOWN) {
                                known.clear();
                            }
                            known.put(subject, id);
                            return id;
                        }
                        other = row.getString("subject");
                    }
                    return other == null ? fallback : null;
                });
    }
}
