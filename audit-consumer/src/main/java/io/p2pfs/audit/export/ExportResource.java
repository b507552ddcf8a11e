package io.p2pfs.audit.export;

import io.p2pfs.audit.search.AuditQuery;
import io.p2pfs.audit.search.AuditResource;
import io.p2pfs.audit.search.AuditSearch;
import io.p2pfs.audit.search.Scope;
import io.p2pfs.audit.search.SearchAuditing;
import io.p2pfs.audit.search.Scopes;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestMulti;

/**
 * {@code GET /api/v1/audit/export?format=ndjson|csv&…filters}: the matching events streamed,
 * newest first, with the same scope as search. Lines are produced as the client reads them, a
 * page of rows at a time, so an export of any size runs in constant memory.
 */
@Path("/api/v1/audit/export")
@Authenticated
public class ExportResource {

    private final AuditSearch search;
    private final SearchAuditing auditing;
    private final SecurityIdentity identity;
    private final Scopes scopes;

    public ExportResource(AuditSearch search, SearchAuditing auditing, SecurityIdentity identity, Scopes scopes) {
        this.search = search;
        this.auditing = auditing;
        this.identity = identity;
        this.scopes = scopes;
    }

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public Multi<String> export(@QueryParam("format") String format, @QueryParam("q") String q,
            @QueryParam("actor") String actor, @QueryParam("action") String action, @QueryParam("path") String path,
            @QueryParam("outcome") String outcome, @QueryParam("from") String from, @QueryParam("to") String to,
            @Context HttpServerRequest request) {
        ExportFormat exportFormat = ExportFormat.parse(format);
        AuditQuery query = AuditQuery.parse(q, actor, action, path, outcome, from, to, null);
        String client = AuditResource.clientAddress(request);
        // The scope (and a refusal of it) is known before the first byte is sent.
        Uni<Scope> scoped = scopes.of(identity).call(scope -> scope.seesAll()
                ? auditing.record(SearchAuditing.EXPORTED, scope, query.describe(), client)
                : Uni.createFrom().voidItem());
        java.util.Map<String, java.util.List<String>> headers = java.util.Map.of(
                "Content-Type", java.util.List.of(exportFormat.mediaType() + ";charset=UTF-8"),
                "Content-Disposition", java.util.List.of("attachment; filename=\"audit."
                        + exportFormat.name().toLowerCase() + "\""));
        return RestMulti.fromUniResponse(scoped, scope -> lines(exportFormat, query, scope), scope -> headers,
                scope -> 200);
    }

    private Multi<String> lines(ExportFormat format, AuditQuery query, Scope scope) {
        Multi<String> records = search.stream(query, scope).map(format::line);
        return format.header() == null ? records
                : Multi.createBy().concatenating().streams(Multi.createFrom().item(format.header()), records);
    }
}
