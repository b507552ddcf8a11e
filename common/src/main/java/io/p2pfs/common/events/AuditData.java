package io.p2pfs.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The {@code data} of every audited event: who did what to which resource, how it
 * ended and why, from where, and the action's own details.
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
        Map<String, Object> details) {

    public enum Outcome {
        SUCCESS, DENIED, FAILED
    }

    public static AuditData success(String actor, String action, String resource, Map<String, Object> details) {
        return new AuditData(actor, action, resource, Outcome.SUCCESS, null, null, null, details);
    }

    public AuditData withClient(String address, String trace) {
        return new AuditData(actor, action, resource, outcome, reason, address, trace, details);
    }
}
