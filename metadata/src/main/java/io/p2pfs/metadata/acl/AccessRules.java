package io.p2pfs.metadata.acl;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** An entry below a directory: the node and the id of the directory holding it. */
    public record Below(Node node, long parentId) {
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

    /**
     * The entries of {@code below} on which the caller does not hold {@code wanted} (without any
     * role), in their order. {@code dirChain} runs from the root to the directory; {@code below}
     * lists everything under it, each directory before what it holds.
     */
    public static List<Long> refusedBelow(List<Node> dirChain, List<Below> below, String userId,
            Set<String> principals, Permission wanted) {
        Map<Long, List<Node>> chains = new HashMap<>();
        chains.put(dirChain.get(dirChain.size() - 1).entryId(), dirChain);
        List<Long> refused = new ArrayList<>();
        for (Below entry : below) {
            List<Node> parent = chains.get(entry.parentId());
            if (parent == null) {
                throw new IllegalArgumentException("entry " + entry.node().entryId() + " comes before its directory");
            }
            List<Node> chain = new ArrayList<>(parent.size() + 1);
            chain.addAll(parent);
            chain.add(entry.node());
            chains.put(entry.node().entryId(), chain);
            if (!held(chain, userId, principals).contains(wanted)) {
                refused.add(entry.node().entryId());
            }
        }
        return refused;
    }
}
