package io.p2pfs.metadata.locks;

import io.p2pfs.metadata.core.PathKeys;
import io.p2pfs.common.events.AuditData;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.outbox.DetachedEvents;
import io.p2pfs.common.paths.FsPath;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Records a refused lock or a write refused by someone else's lock as a {@code lock.denied}
 * event. The refused request's own transaction rolls back, so the event goes into the outbox
 * on a connection of its own (as access denials do); it never carries a token.
 */
@ApplicationScoped
public class LockDenials {

    private final DetachedEvents events;

    public LockDenials(DetachedEvents events) {
        this.events = events;
    }

    /**
     * @param operation what was refused: {@code lock}, {@code write}, {@code delete}, …
     * @param requested the mode asked for ({@code null} unless a lock was asked for)
     * @param holder    the live lock that refused it
     */
    public void denied(String actor, FsPath path, String operation, LockMode requested, Lease holder) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("path", path.toString());
        details.put("operation", operation);
        if (requested != null) {
            details.put("requestedMode", requested.name());
        }
        details.put("holder", holder.ownerId);
        details.put("heldMode", holder.mode.name());
        details.put("expiresAt", holder.expiresAt.toString());
        AuditData data = new AuditData(actor, EventTypes.LOCK_DENIED, path.toString(), AuditData.Outcome.DENIED,
                "locked by " + holder.ownerId, null, null, details)
                .by(io.p2pfs.common.problem.RequestActor.subjectOf(actor));
        // Not awaited: the refused transaction may hold a pooled connection this insert would otherwise wait for.
        events.record(Topics.LOCKS, PathKeys.of(path), EventTypes.LOCK_DENIED, path.toString(), data);
    }
}
