package io.p2pfs.metadata.acl;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Effective permissions, without framework types so every rule is unit-tested:
 * <ol>
 * <li>The owner of the entry, or of any directory above it, holds everything there.</li>
 * <li>Otherwise the caller holds the union of the grants naming one of its principals, taken
 * from the entry's own ACL and then from each directory above it, stopping after the first
 * ACL that says {@code inherit: false}.</li>
 * <li>The root directory is shared by everyone: any user may see it (its listing shows only
 * what they may read) and create entries in it. That allowance is not inherited; an ACL an
 * administrator sets on {@code /} is.</li>
 * <li>An administrator holds everything; {@link Decision#adminOnly()} says when only that role
 * allowed an action, so the caller can audit it.</li>
 * </ol>
 */
public final class AccessRules {

    private AccessRules() {
    }

    /** One entry on the way from the root (first) to the target (last). */
    public record Node(long entryId, String ownerId, Acl acl) {
    }

    public record Decision(Set<Permission> held, boolean adminOnly) {

        public boolean allows(Permission permission) {
            return held.contains(permission);
        }
    }

    /** What a caller holds on the last node of {@code chain} without any role. */
    public static Set<Permission> held(List<Node> chain, String userId, Set<String> principals) {
        if (chain.isEmpty()) {
            return EnumSet.noneOf(Permission.class);
        }
        for (Node node : chain) {
            if (node.ownerId().equals(userId)) {
                return EnumSet.allOf(Permission.class);
            }
        }
        EnumSet<Permission> held = EnumSet.noneOf(Permission.class);
        if (chain.size() == 1) {
            held.add(Permission.READ);
            held.add(Permission.WRITE);
        }
        for (int i = chain.size() - 1; i >= 0; i--) {
            Acl acl = chain.get(i).acl();
            for (Grant grant : acl.grants()) {
                if (principals.contains(grant.principal())) {
                    held.addAll(grant.permissions());
                }
            }
            if (!acl.inherit()) {
                break;
            }
        }
        return held;
    }

    /** The decision for {@code wanted}: allowed by grants, by the admin role only, or not at all. */
    public static Decision decide(List<Node> chain, String userId, Set<String> principals, boolean admin,
            Permission wanted) {
        Set<Permission> held = held(chain, userId, principals);
        if (held.contains(wanted) || !admin) {
            return new Decision(held, false);
        }
        return new Decision(EnumSet.allOf(Permission.class), true);
    }
}
