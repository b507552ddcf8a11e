package io.p2pfs.metadata.core;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Who is calling: the registered user id (what owners and ACL entries name), the token's
 * subject and login, its groups, and whether it holds the admin role.
 */
public record Caller(String id, String subject, String login, Set<String> groups, boolean admin) {

    public Caller {
        groups = Set.copyOf(groups);
    }

    /** The ACL principals this caller matches: {@code user:<id>}, each {@code group:<name>}, {@code authenticated}. */
    public Set<String> principals() {
        Set<String> principals = new LinkedHashSet<>();
        principals.add("user:" + id);
        for (String group : groups) {
            principals.add("group:" + group);
        }
        principals.add("authenticated");
        return principals;
    }
}
