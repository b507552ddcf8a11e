package io.p2pfs.metadata.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.p2pfs.common.problem.BadRequest;
import io.p2pfs.metadata.acl.Acl;
import io.p2pfs.metadata.acl.Grant;
import io.p2pfs.metadata.acl.Permission;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SharedGrantsTests {

    static final Set<String> BOB = Set.of("user:bob", "group:eng", "authenticated");

    final Map<Long, SharedGrants.Item> items = new HashMap<>();

    void item(long id, Long parent, String name, String kind, String owner, Acl acl) {
        items.put(id, new SharedGrants.Item(id, parent, name, kind, owner, acl));
    }

    static Acl acl(boolean inherit, Grant... grants) {
        return new Acl(inherit, List.of(grants));
    }

    static Grant grant(String principal, Permission... permissions) {
        return new Grant(principal, EnumSet.copyOf(List.of(permissions)));
    }

    List<String> rows(List<Long> candidates) {
        return SharedGrants.rows(items, candidates, "bob", BOB).stream()
                .map(row -> row.path() + " " + row.principal() + " " + row.permissions()).toList();
    }

    @Test
    void eachGrantNamingTheCallerIsARowSortedByPathThenPrincipal() {
        item(1, null, "", "DIR", "system:root", Acl.NONE);
        item(2, 1L, "ann", "DIR", "ann", acl(true, grant("user:bob", Permission.READ)));
        item(3, 2L, "b.txt", "FILE", "ann", acl(true, grant("user:bob", Permission.DOWNLOAD),
                grant("group:eng", Permission.WRITE), grant("group:ops", Permission.DELETE)));
        item(4, 2L, "a.txt", "FILE", "ann", acl(true, grant("authenticated", Permission.READ)));
        assertEquals(List.of("/ann user:bob [READ]", "/ann/a.txt authenticated [READ]",
                "/ann/b.txt group:eng [WRITE]", "/ann/b.txt user:bob [DOWNLOAD]"), rows(List.of(3L, 4L, 2L)));
    }

    @Test
    void whatTheCallerOwnsOrOwnsADirectoryAboveIsNotShared() {
        item(1, null, "", "DIR", "system:root", Acl.NONE);
        item(2, 1L, "bob", "DIR", "bob", Acl.NONE);
        item(3, 2L, "from-ann.txt", "FILE", "ann", acl(true, grant("user:bob", Permission.READ)));
        item(4, 1L, "own.txt", "FILE", "bob", acl(true, grant("authenticated", Permission.READ)));
        assertEquals(List.of(), rows(List.of(3L, 4L)));
    }

    @Test
    void aGrantWithoutReadIsListedOnlyWhileReadReachesItFromAbove() {
        item(1, null, "", "DIR", "system:root", Acl.NONE);
        item(2, 1L, "ann", "DIR", "ann", acl(true, grant("group:eng", Permission.READ)));
        item(3, 2L, "f", "FILE", "ann", acl(true, grant("user:bob", Permission.DOWNLOAD)));
        assertEquals(List.of("/ann group:eng [READ]", "/ann/f user:bob [DOWNLOAD]"), rows(List.of(2L, 3L)));

        item(3, 2L, "f", "FILE", "ann", acl(false, grant("user:bob", Permission.DOWNLOAD)));
        assertEquals(List.of("/ann group:eng [READ]"), rows(List.of(2L, 3L)));
    }

    @Test
    void anEntryWhoseDirectoriesAreMissingIsLeftOut() {
        item(3, 2L, "orphan", "FILE", "ann", acl(true, grant("user:bob", Permission.READ)));
        assertEquals(List.of(), rows(List.of(3L)));
    }

    @Test
    void pagesContinueAfterTheirCursor() {
        List<SharedGrants.Row> rows = List.of(
                new SharedGrants.Row("/a", "FILE", "ann", List.of("READ"), "group:eng"),
                new SharedGrants.Row("/a", "FILE", "ann", List.of("READ"), "user:bob"),
                new SharedGrants.Row("/b", "FILE", "ann", List.of("READ"), "user:bob"));
        SharedGrants.Page first = SharedGrants.page(rows, null, 1);
        assertEquals(rows.subList(0, 1), first.rows());
        SharedGrants.Page second = SharedGrants.page(rows, first.nextCursor(), 1);
        assertEquals(rows.subList(1, 2), second.rows());
        SharedGrants.Page last = SharedGrants.page(rows, second.nextCursor(), 5);
        assertEquals(rows.subList(2, 3), last.rows());
        assertNull(last.nextCursor());
        assertEquals(rows, SharedGrants.page(rows, "", 3).rows());
        assertNull(SharedGrants.page(rows, null, 3).nextCursor());

        assertThrows(BadRequest.class, () -> SharedGrants.page(rows, "%%%", 1));
        assertThrows(BadRequest.class, () -> SharedGrants.page(rows, "bm90IGEgY3Vyc29y", 1));
        assertThrows(BadRequest.class, () -> SharedGrants.page(rows, null, 0));
        assertThrows(BadRequest.class, () -> SharedGrants.page(rows, null, 1001));
    }
}
