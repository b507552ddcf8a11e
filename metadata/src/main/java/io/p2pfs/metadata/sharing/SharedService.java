package io.p2pfs.metadata.sharing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.client.api.NamespaceApi;
import io.p2pfs.common.problem.BadRequest;
import io.p2pfs.metadata.acl.Acl;
import io.p2pfs.metadata.acl.AclService;
import io.p2pfs.metadata.core.Caller;
import io.p2pfs.metadata.namespace.Entry;
import io.p2pfs.metadata.namespace.Namespace;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What others shared with the caller: the entries whose own ACL names one of the caller's
 * principals, read in three queries (the ACL rows that name one, the entries with every
 * directory above them, their ACLs) and decided by {@link SharedGrants}. Names are sealed at
 * rest, so the rows are sorted by path here, on every request.
 */
@ApplicationScoped
public class SharedService {

    private final Namespace namespace;
    private final AclService acls;
    private final ObjectMapper json;

    public SharedService(Namespace namespace, AclService acls, ObjectMapper json) {
        this.namespace = namespace;
        this.acls = acls;
        this.json = json;
    }

    @WithSession
    public Uni<NamespaceApi.SharedPage> shared(Caller caller, String cursor, int limit) {
        if (limit < 1 || limit > 1000) {
            throw new BadRequest("limit must be between 1 and 1000.");
        }
        List<String> principals = List.copyOf(caller.principals());
        return candidates(caller.id(), principals).flatMap(candidates -> namespace.withAncestors(candidates)
                .flatMap(entries -> acls.acls(entries.stream().map(e -> e.entryId).toList()).map(found -> {
                    Map<Long, SharedGrants.Item> items = new HashMap<>();
                    for (Entry e : entries) {
                        items.put(e.entryId, new SharedGrants.Item(e.entryId, e.parentId, namespace.nameOf(e), e.kind,
                                e.ownerId, found.getOrDefault(e.entryId, Acl.NONE)));
                    }
                    SharedGrants.Page page = SharedGrants.page(SharedGrants.rows(items, candidates, caller.id(),
                            caller.principals()), cursor, limit);
                    return new NamespaceApi.SharedPage(page.rows().stream().map(row -> new NamespaceApi.SharedEntry(
                            row.path(), row.kind(), row.owner(), row.permissions(), row.principal())).toList(),
                            page.nextCursor());
                })));
    }

    /**
     * Entries of someone else whose own ACL has a grant naming one of {@code principals}: one
     * containment test per principal, each answered by the GIN index on {@code acls.grants}.
     */
    private Uni<List<Long>> candidates(String userId, List<String> principals) {
        StringBuilder sql = new StringBuilder("SELECT a.entry_id FROM acls a JOIN entries e ON e.entry_id = a.entry_id "
                + "WHERE e.owner_id <> :me AND (");
        for (int i = 0; i < principals.size(); i++) {
            sql.append(i == 0 ? "" : " OR ").append("a.grants @> CAST(CAST(:p").append(i).append(" AS text) AS jsonb)");
        }
        sql.append(')');
        return Panache.getSession().flatMap(session -> {
            var query = session.createNativeQuery(sql.toString(), Long.class).setParameter("me", userId);
            for (int i = 0; i < principals.size(); i++) {
                query.setParameter("p" + i, grantOf(principals.get(i)));
            }
            return query.getResultList();
        });
    }

    /** {@code [{"principal": p}]}: what an ACL's grants contain when one of them names {@code p}. */
    private String grantOf(String principal) {
        try {
            return json.writeValueAsString(List.of(Map.of("principal", principal)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
