package io.p2pfs.audit.search;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/v1/audit}: search the audit log (auditors and admins: all; others: their own). */
@Path("/api/v1/audit")
@Authenticated
public class AuditResource {

    private final AuditSearch search;
    private final SearchAuditing auditing;
    private final SecurityIdentity identity;
    private final Scopes scopes;

    public AuditResource(AuditSearch search, SearchAuditing auditing, SecurityIdentity identity, Scopes scopes) {
        this.search = search;
        this.auditing = auditing;
        this.identity = identity;
        this.scopes = scopes;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<SearchPage> search(@QueryParam("q") String q, @QueryParam("actor") String actor,
            @QueryParam("action") String action, @QueryParam("path") String path,
            @QueryParam("outcome") String outcome, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
            @Context HttpServerRequest request) {
        AuditQuery query = AuditQuery.parse(q, actor, action, path, outcome, from, to, cursor);
        int pageSize = AuditQuery.limit(limit);
        return scopes.of(identity).flatMap(scope -> {
            Uni<Void> audited = scope.seesAll()
                    ? auditing.record(SearchAuditing.SEARCHED, scope, query.describe(), clientAddress(request))
                    : Uni.createFrom().voidItem();
            return audited.chain(() -> search.page(query, scope, pageSize));
        });
    }

    public static String clientAddress(HttpServerRequest request) {
        return request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    }
}
