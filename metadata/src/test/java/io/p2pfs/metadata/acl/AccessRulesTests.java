package io.p2pfs.metadata.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.p2pfs.common.problem.BadRequest;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessRulesTests {

    static final Set<String> BOB = Set.of("user:bob", "group:eng", "authenticated");

    static AccessRules.Node node(long id, String owner, Acl acl) {
        return new AccessRules.Node(id, owner, acl);
    }

    static Acl acl(boolean inherit, Grant... grants) {
        return new Acl(inherit, List.of(grants));
    }

    static Grant grant(String principal, Permission... permissions) {
        return new Grant(principal, EnumSet.copyOf(List.of(permissions)));
    }

    @Test
    void theOwnerOfTheEntryOrOfAnyDirectoryAboveHoldsEverything() {
        List<AccessRules.Node> chain = List.of(node(1, "system:root", Acl.NONE), node(2, "bob", Acl.NONE),
                node(3, "ann", acl(false)));
        assertEquals(EnumSet.allOf(Permission.class), AccessRules.held(chain, "bob", BOB));
        assertEquals(EnumSet.noneOf(Permission.class), AccessRules.held(chain, "carl", Set.of("user:carl")));
    }

    @Test
    void grantsAreUnitedUpTheTreeUntilAnAclStopsInheritance() {
        List<AccessRules.Node> chain = List.of(node(1, "system:root", acl(true, grant("authenticated",
                Permission.READ))), node(2, "ann", acl(true, grant("group:eng", Permission.DOWNLOAD))),
                node(3, "ann", acl(true, grant("user:bob", Permission.WRITE))));
        assertEquals(EnumSet.of(Permission.READ, Permission.DOWNLOAD, Permission.WRITE),
                AccessRules.held(chain, "bob", BOB));

        List<AccessRules.Node> cut = List.of(chain.get(0), chain.get(1),
                node(3, "ann", acl(false, grant("user:bob", Permission.WRITE))));
        assertEquals(EnumSet.of(Permission.WRITE), AccessRules.held(cut, "bob", BOB));
    }

    @Test
    void aGrantToSomeoneElseGivesNothing() {
        List<AccessRules.Node> chain = List.of(node(1, "system:root", Acl.NONE),
                node(2, "ann", acl(true, grant("user:bobby", Permission.READ), grant("group:engineering",
                        Permission.READ))));
        assertTrue(AccessRules.held(chain, "bob", BOB).isEmpty());
    }

    @Test
    void everyoneMayReadAndCreateAtTheRootButThatIsNotInherited() {
        List<AccessRules.Node> root = List.of(node(1, "system:root", Acl.NONE));
        assertEquals(EnumSet.of(Permission.READ, Permission.WRITE), AccessRules.held(root, "bob", BOB));
        List<AccessRules.Node> below = List.of(root.get(0), node(2, "ann", Acl.NONE));
        assertTrue(AccessRules.held(below, "bob", BOB).isEmpty());
    }

    @Test
    void anAdministratorIsAllowedAndTheDecisionSaysWhenOnlyTheRoleAllowedIt() {
        List<AccessRules.Node> chain = List.of(node(1, "system:root", Acl.NONE),
                node(2, "ann", acl(true, grant("user:root-admin", Permission.READ))));
        Set<String> admin = Set.of("user:root-admin", "authenticated");
        AccessRules.Decision read = AccessRules.decide(chain, "root-admin", admin, true, Permission.READ);
        assertTrue(read.allows(Permission.READ));
        assertFalse(read.adminOnly());
        AccessRules.Decision delete = AccessRules.decide(chain, "root-admin", admin, true, Permission.DELETE);
        assertTrue(delete.allows(Permission.DELETE));
        assertTrue(delete.adminOnly());
        assertFalse(AccessRules.decide(chain, "root-admin", admin, false, Permission.DELETE).allows(Permission.DELETE));
    }

    @Test
    void malformedPrincipalsAndPermissionsAreRefused() {
        assertEquals("user:bob", Grant.principal(" user:bob "));
        assertEquals("group:eng team", Grant.principal("group:eng team"));
        for (String bad : new String[] {"bob", "user:", "user:bob\n", "role:admin", "group:", "everyone", ""}) {
            try {
                Grant.principal(bad);
                throw new AssertionError("accepted " + bad);
            } catch (BadRequest expected) {
                assertTrue(expected.getMessage() != null);
            }
        }
        try {
            Grant.permissions(List.of("READ", "EXECUTE"));
            throw new AssertionError("accepted EXECUTE");
        } catch (BadRequest expected) {
            assertTrue(expected.getMessage().contains("EXECUTE"));
        }
    }

    @Test
    void aDocumentMergesDuplicatePrincipalsAndDefaultsToInheriting() {
        Acl acl = AclService.parse(new AclApi.Document(null, List.of(new AclApi.Entry("user:bob", List.of("READ")),
                new AclApi.Entry("user:bob", List.of("DOWNLOAD")))));
        assertTrue(acl.inherit());
        assertEquals(1, acl.grants().size());
        assertEquals(EnumSet.of(Permission.READ, Permission.DOWNLOAD), acl.grants().get(0).permissions());
    }

    @Test
    void belowADirectoryEachEntryIsJudgedOnItsOwnChain() {
        List<AccessRules.Node> dir = List.of(node(1, "system:root", Acl.NONE),
                node(2, "ann", acl(true, grant("group:eng", Permission.READ, Permission.DELETE))));
        List<AccessRules.Below> below = List.of(
                new AccessRules.Below(node(3, "ann", Acl.NONE), 2),
                new AccessRules.Below(node(4, "ann", acl(false, grant("user:bob", Permission.READ))), 2),
                new AccessRules.Below(node(5, "ann", Acl.NONE), 4),
                new AccessRules.Below(node(6, "ann", acl(true, grant("user:bob", Permission.DELETE))), 4),
                new AccessRules.Below(node(7, "bob", Acl.NONE), 4));
        // 4 cuts the directory's grant off, and 5 inherits only 4's; 6 grants it itself; bob owns 7.
        assertEquals(List.of(4L, 5L), AccessRules.refusedBelow(dir, below, "bob", BOB, Permission.DELETE));
        assertEquals(List.of(), AccessRules.refusedBelow(dir, below, "ann", Set.of("user:ann"), Permission.DELETE));
        assertEquals(List.of(3L, 4L, 5L, 6L, 7L),
                AccessRules.refusedBelow(dir, below, "carl", Set.of("user:carl"), Permission.DELETE));
    }
}
