package io.p2pfs.metadata.quotas;

import io.p2pfs.common.events.AuditData;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.outbox.DetachedEvents;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Records a commit refused for its owner's storage limit as a {@code quota.exceeded} event on
 * {@code p2pfs.access} (keyed by the writer, as access denials are). The refused transaction
 * rolls back, so the event goes into the outbox on a connection of its own.
 */
@ApplicationScoped
public class QuotaDenials {

    private final DetachedEvents events;

    public QuotaDenials(DetachedEvents events) {
        this.events = events;
    }

    public void exceeded(UsageLedger.Charge charge, long usage, long limit) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("path", charge.path());
        details.put("owner", charge.owner());
        details.put("usage", usage);
        details.put("limit", limit);
        details.put("requested", charge.addedBytes());
        AuditData data = new AuditData(charge.actor(), EventTypes.QUOTA_EXCEEDED, charge.path(),
                AuditData.Outcome.DENIED, "storage limit of " + charge.owner(), null, null, details)
                .by(io.p2pfs.common.problem.RequestActor.subjectOf(charge.actor()));
        // Not awaited: the refused transaction may hold a pooled connection this insert would otherwise wait for.
        events.record(Topics.ACCESS, charge.actor(), EventTypes.QUOTA_EXCEEDED, charge.path(), data);
    }
}
