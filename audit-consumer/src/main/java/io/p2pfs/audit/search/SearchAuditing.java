package io.p2pfs.audit.search;

import io.p2pfs.common.events.AuditData;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.outbox.Outbox;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * Makes every search and export by an auditor or admin an audit event of its own
 * ({@code audit.searched}, {@code audit.exported} on {@code p2pfs.access}, actor = the searcher,
 * details = the filters), through the outbox, so it reaches the log like any other event.
 */
@ApplicationScoped
public class SearchAuditing {

    public static final String SEARCHED = "audit.searched";
    public static final String EXPORTED = "audit.exported";
    static final String RESOURCE = "audit-log";

    private final Outbox outbox;

    public SearchAuditing(Outbox outbox) {
        this.outbox = outbox;
    }

    @WithTransaction
    public Uni<Void> record(String action, Scope scope, Map<String, Object> filters, String clientAddress) {
        AuditData data = AuditData.success(scope.actor(), action, RESOURCE, filters).withClient(clientAddress, null)
                .by(scope.subject());
        return outbox.record(Topics.ACCESS, scope.actor(), action, RESOURCE, data).replaceWithVoid();
    }
}
