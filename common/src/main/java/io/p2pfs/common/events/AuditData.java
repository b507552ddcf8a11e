package io.p2pfs.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The {@code data} of every audited event: who did what to which resource, how it
 * ended and why, from where, and the action's own details.
 *
 * <p>{@code actor} is the user id the system knows the caller by (what owners and ACLs name; a
 * login before it is registered, {@code system:*} for the services' own work) and
 * {@code actorSubject} the identity provider's subject of the caller's token, when a person or
 * service account acted: the audit log shows a caller the events of its own subject or user id.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditData(
        String actor,
        String action,
        String resource,
        Outcome outcome,
        String reason,
        String clientAddress,
        String traceId,
        Map<String, Object> details,
        String actorSubject) {

    public AuditData(String actor, String action, String resource, Outcome outcome, String reason,
            String clientAddress, String traceId, Map<String, Object> details) {
        this(actor, action, resource, outcome, reason, clientAddress, traceId, details, null);
    }

    public enum Outcome {
        SUCCESS, DENIED, FAILED
    }

    public static AuditData success(String actor, String action, String resource, Map<String, Object> details) {
        return new AuditData(actor, action, resource, Outcome.SUCCESS, null, null, null, details);
    }

    public AuditData withClient(String address, String trace) {
        return new AuditData(actor, action, resource, outcome, reason, address, trace, details, actorSubject);
    }

    /** The same, naming the token subject of the actor. */
    public AuditData by(String subject) {
        return new AuditData(actor, action, resource, outcome, reason, clientAddress, traceId, details, subject);
    }
}
