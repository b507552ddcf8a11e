package io.p2pfs.audit.search;

/**
 * What a caller may see: auditors and admins everything, anyone else only the events they are
 * the actor of (their user id, {@link Scopes}).
 *
 * @param actor the user id the caller is (an auditor's login when it is no registered user)
 * @param onlyActor the actor every result must have, or null for everything
 * @param subject the token subject of the caller
 */
public record Scope(String actor, String onlyActor, String subject) {

    public Scope(String actor, String onlyActor) {
        this(actor, onlyActor, null);
    }

    public static final String AUDITOR = "auditor";
    public static final String ADMIN = "admin";

    public boolean seesAll() {
        return onlyActor == null;
    }
}
