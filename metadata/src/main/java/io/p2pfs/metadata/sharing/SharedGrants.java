package io.p2pfs.metadata.sharing;

import io.p2pfs.common.problem.BadRequest;
import io.p2pfs.metadata.acl.AccessRules;
import io.p2pfs.metadata.acl.Acl;
import io.p2pfs.metadata.acl.Grant;
import io.p2pfs.metadata.acl.Permission;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which grants of other people's entries reach a caller, without framework types. An entry is
 * shown once per grant of its own ACL that names one of the caller's principals, when neither
 * it nor a directory above it is the caller's own (an owner holds everything anyway) and the
 * caller may READ it by the usual rules. Rows are sorted by path, then principal.
 */
public final class SharedGrants {

    private SharedGrants() {
    }

    /** An entry as these rules need it: its name and parent, to build paths, its owner and ACL. */
    public record Item(long entryId, Long parentId, String name, String kind, String ownerId, Acl acl) {
    }

    /** One grant that reaches the caller. */
    public record Row(String path, String kind, String owner, List<String> permissions, String principal) {
    }

    static final Comparator<Row> ORDER = Comparator.comparing(Row::path).thenComparing(Row::principal);

    /**
     * @param items      every candidate and every directory above one, by id
     * @param candidates the entries whose own ACL may name one of the caller's principals
     */
    public static List<Row> rows(Map<Long, Item> items, Collection<Long> candidates, String userId,
            Set<String> principals) {
        List<Row> rows = new ArrayList<>();
        for (long id : candidates) {
            List<Item> chain = chain(items, id);
            if (chain == null || chain.stream().anyMatch(item -> item.ownerId().equals(userId))) {
                continue;
            }
            List<AccessRules.Node> nodes = chain.stream()
                    .map(item -> new AccessRules.Node(item.entryId(), item.ownerId(), item.acl())).toList();
            if (!AccessRules.held(nodes, userId, principals).contains(Permission.READ)) {
                continue;
            }
            Item entry = chain.get(chain.size() - 1);
            String path = path(chain);
            for (Grant grant : entry.acl().grants()) {
                if (principals.contains(grant.principal())) {
                    rows.add(new Row(path, entry.kind(), entry.ownerId(),
                            grant.permissions().stream().sorted().map(Enum::name).toList(), grant.principal()));
                }
            }
        }
        rows.sort(ORDER);
        return rows;
    }

    /** The entries from the root to {@code id}; {@code null} if one is missing (deleted meanwhile). */
    private static List<Item> chain(Map<Long, Item> items, long id) {
        List<Item> chain = new ArrayList<>();
        Item current = items.get(id);
        while (current != null) {
            chain.add(0, current);
            if (current.parentId() == null) {
                return chain;
            }
            current = items.get(current.parentId());
        }
        return null;
    }

    private static String path(List<Item> chain) {
        if (chain.size() == 1) {
            return "/";
        }
        StringBuilder path = new StringBuilder();
        for (Item item : chain.subList(1, chain.size())) {
            path.append('/').append(item.name());
        }
        return path.toString();
    }

    /** One page of sorted {@code rows}, after the row a cursor names. */
    public record Page(List<Row> rows, String nextCursor) {
    }

    public static Page page(List<Row> rows, String cursor, int limit) {
        if (limit < 1 || limit > 1000) {
            throw new BadRequest("limit must be between 1 and 1000.");
        }
        int start = 0;
        if (cursor != null && !cursor.isBlank()) {
            Row after = parseCursor(cursor);
            while (start < rows.size() && ORDER.compare(rows.get(start), after) <= 0) {
                start++;
            }
        }
        int end = Math.min(rows.size(), start + limit);
        List<Row> page = rows.subList(start, end);
        String next = end < rows.size() ? cursor(page.get(page.size() - 1)) : null;
        return new Page(List.copyOf(page), next);
    }

    /** Path and principal of the last row shown; neither may hold a line feed, so it separates them. */
    static String cursor(Row row) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((row.path() + "\n" + row.principal()).getBytes(StandardCharsets.UTF_8));
    }

    private static Row parseCursor(String cursor) {
        String decoded;
        try {
            decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("cursor is not one this service issued.");
        }
        int split = decoded.indexOf('\n');
        if (split < 1 || !decoded.startsWith("/")) {
            throw new BadRequest("cursor is not one this service issued.");
        }
        return new Row(decoded.substring(0, split), null, null, List.of(), decoded.substring(split + 1));
    }
}
