package io.p2pfs.common.outbox;

import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.problem.DenialRecorder;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Makes every 401 and 403 of a service with a database an {@code access.denied} event on
 * {@code p2pfs.access}, through the outbox like every other event. The denied request changed
 * nothing, so the event gets its own small transaction; it never carries the token. Its resource
 * is the namespace path refused where the service knows it (else the URL); anonymous denials
 * arrive already folded into counts by {@link io.p2pfs.common.problem.DenialGate}.
 */
@ApplicationScoped
public class OutboxDenialRecorder implements DenialRecorder {

    private final DetachedEvents events;

    public OutboxDenialRecorder(DetachedEvents events) {
        this.events = events;
    }

    @Override
    public void denied(Denial denial) {
        events.record(Topics.ACCESS, denial.eventKey(), EventTypes.ACCESS_DENIED, denial.resource(),
                denial.auditData());
    }
}
