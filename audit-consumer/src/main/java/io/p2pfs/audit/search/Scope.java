package io.p2pfs.audit.search;

import io.p2pfs.common.problem.Forbidden;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * What a caller may see: auditors and admins everything, anyone else only the events they are
 * the actor of (their login, {@code preferred_username}).
 *
 * @param actor the login the caller is
 * @param onlyActor the actor every result must have, or null for everything
 */
public record Scope(String actor, String onlyActor) {

    public static final String AUDITOR = "auditor";
    public static final String ADMIN = "admin";

    public static Scope of(SecurityIdentity identity) {
        String login = identity.getPrincipal() == null ? null : identity.getPrincipal().getName();
        if (login == null || login.isBlank()) {
            throw new Forbidden("The token names no user.");
        }
        boolean seesAll = identity.hasRole(AUDITOR) || identity.hasRole(ADMIN);
        return new Scope(login, seesAll ? null : login);
    }

    public boolean seesAll() {
        return onlyActor == null;
    }
}
