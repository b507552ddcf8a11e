package io.p2pfs.metadata.namespace;

import io.p2pfs.common.problem.Forbidden;
import io.quarkus.security.identity.SecurityIdentity;

/** Who is calling: the login from the verified token, and whether it holds the admin role. */
public record Caller(String id, boolean admin) {

    public static Caller of(SecurityIdentity identity) {
        return new Caller(identity.getPrincipal().getName(), identity.hasRole("admin"));
    }

    /** Until per-path ACLs land, only the owner (or an admin) may act on an entry. */
    public void requireOwner(Entry entry, String what) {
        if (!admin && !entry.ownerId.equals(id) && !entry.ownerId.equals("system:root")) {
            throw new Forbidden("Only the owner may " + what + ".");
        }
    }
}
