package io.p2pfs.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/**
 * A CloudEvents 1.0 event in structured JSON mode: the whole event, attributes and
 * {@code data}, is the Kafka record value. {@code id} is unique per event and is what
 * consumers deduplicate on; {@code subject} names the resource (a path hash, node id, …).
 * {@code p2pfsschemaversion} is our extension attribute saying which shape {@code data} has.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CloudEvent(
        String specversion,
        String id,
        String source,
        String type,
        String subject,
        Instant time,
        String datacontenttype,
        Integer p2pfsschemaversion,
        JsonNode data) {

    public static final String SPEC_VERSION = "1.0";
    public static final int SCHEMA_VERSION = 1;

    public static CloudEvent of(String source, String type, String subject, JsonNode data) {
        return new CloudEvent(SPEC_VERSION, UUID.randomUUID().toString(), source, type, subject, Instant.now(),
                "application/json", SCHEMA_VERSION, data);
    }
}
