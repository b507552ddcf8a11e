package io.p2pfs.audit.entry;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.common.audit.CanonicalJson;
import io.p2pfs.common.audit.Merkle;
import io.p2pfs.common.events.CloudEvent;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One event as the audit log stores it: its canonical text, its leaf hash in the log's Merkle
 * tree ({@link Merkle#leafHash}), and the columns derived from it.
 * {@link #derive} is the single definition of those columns, used when storing and again when
 * verifying (a stored column that differs from its derivation is tampering).
 *
 * <p>Derivation from the CloudEvent: {@code actor}, {@code resource}, {@code outcome} from
 * {@code data}; {@code action} = {@code data.action}, else the event type; {@code resource}
 * falls back to the {@code subject}; {@code path} = {@code data.details.path} when it is an
 * absolute path, else {@code resource} when that is one; {@code search_text} = the lower-cased
 * words (letters and digits) of actor, action, type, resource, subject, outcome, reason and every
 * value in {@code details}.
 * An event that cannot be derived is {@link Malformed}, with a reason fit for the dead-letter topic.
 */
public record AuditEntry(
        String eventId,
        String eventType,
        String source,
        String subject,
        Instant eventTime,
        String actor,
        String action,
        String resource,
        String path,
        String outcome,
        String searchText,
        String canonical,
        byte[] leafHash) {

    static final int MAX_ID = 200;
    static final int MAX_NAME = 256;
    /** Bytes: a btree index entry holds at most ~2700. */
    static final int MAX_PATH = 2000;
    static final int MAX_SEARCH_TEXT = 100_000;

    private static final Pattern TIME = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");
    private static final Pattern NOT_A_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    /** Why an event cannot enter the log. */
    public static final class Malformed extends Exception {
        public Malformed(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Parses and derives; the raw bytes of a Kafka record value. */
    public static AuditEntry fromRecord(byte[] value) throws Malformed {
        if (value == null || value.length == 0) {
            throw new Malformed("not JSON: empty record");
        }
        JsonNode event;
        try {
            event = CanonicalJson.parse(value);
        } catch (IOException e) {
            throw new Malformed("not JSON");
        }
        return derive(event);
    }

    /**
     * The entry of a record value if it is an access event ({@code access.*}), parsed once; empty
     * for any other event and for anything unreadable (not this log's to dead-letter).
     */
    public static java.util.Optional<AuditEntry> ifAccessEvent(byte[] value) throws Malformed {
        if (value == null || value.length == 0) {
            return java.util.Optional.empty();
        }
        JsonNode event;
        try {
            event = CanonicalJson.parse(value);
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
        return event.path("type").asText("").startsWith("access.") ? java.util.Optional.of(derive(event))
                : java.util.Optional.empty();
    }

    /** Derives again from a stored canonical text (verify). */
    public static AuditEntry fromCanonical(String canonical) throws Malformed {
        try {
            return derive(CanonicalJson.parse(canonical));
        } catch (IOException e) {
            throw new Malformed("not JSON");
        }
    }

    public static AuditEntry derive(JsonNode event) throws Malformed {
        if (!event.isObject()) {
            throw new Malformed("not a JSON object");
        }
        String id = requiredText(event, "id");
        String type = requiredText(event, "type");
        JsonNode schema = event.get("p2pfsschemaversion");
        if (schema == null || !schema.canConvertToInt() || !schema.isIntegralNumber()
                || schema.intValue() != CloudEvent.SCHEMA_VERSION) {
            throw new Malformed("unknown p2pfsschemaversion: " + (schema == null ? "missing" : clip(schema.toString())));
        }
        JsonNode spec = event.get("specversion");
        if (spec != null && !CloudEvent.SPEC_VERSION.equals(spec.asText())) {
            throw new Malformed("unsupported specversion: " + clip(spec.toString()));
        }
        Instant time = time(event.get("time"));
        String canonical = CanonicalJson.of(event);
        if (canonical.contains("\\u0000")) {
            throw new Malformed("contains a NUL character");
        }
        JsonNode data = event.path("data");
        String subject = text(event.get("subject"));
        String actor = text(data.get("actor"));
        String action = text(data.get("action"));
        if (action == null) {
            action = type;
        }
        String resource = text(data.get("resource"));
        if (resource == null) {
            resource = subject;
        }
        String detailPath = text(data.path("details").get("path"));
        String path = isPath(detailPath) ? detailPath : isPath(resource) ? resource : null;
        String outcome = text(data.get("outcome"));
        checkLength("id", id, MAX_ID);
        checkLength("type", type, MAX_NAME);
        checkLength("actor", actor, MAX_NAME);
        checkLength("action", action, MAX_NAME);
        checkLength("outcome", outcome, MAX_NAME);
        if (path != null && path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PATH) {
            throw new Malformed("path longer than " + MAX_PATH + " bytes");
        }

        StringBuilder words = new StringBuilder();
        for (String part : new String[] {actor, action, type, resource, subject, outcome, text(data.get("reason"))}) {
            if (part != null) {
                words.append(part).append(' ');
            }
        }
        collectValues(data.path("details"), words);
        String searchText = NOT_A_WORD.matcher(words).replaceAll(" ").trim().toLowerCase(Locale.ROOT);
        if (searchText.length() > MAX_SEARCH_TEXT) {
            searchText = searchText.substring(0, MAX_SEARCH_TEXT);
        }
        return new AuditEntry(id, type, text(event.get("source")), subject, time, actor, action, resource, path,
                outcome, searchText, canonical, Merkle.leafHash(canonical));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuditEntry entry && columns().equals(entry.columns()) && canonical.equals(entry.canonical);
    }

    @Override
    public int hashCode() {
        return canonical.hashCode();
    }

    /** The derived columns by name, for naming which one a tampered row changed. */
    public Map<String, Object> columns() {
        return Map.ofEntries(
                Map.entry("event_id", eventId), Map.entry("event_type", eventType),
                Map.entry("source", String.valueOf(source)), Map.entry("subject", String.valueOf(subject)),
                Map.entry("event_time", eventTime), Map.entry("actor", String.valueOf(actor)),
                Map.entry("action", action), Map.entry("resource", String.valueOf(resource)),
                Map.entry("path", String.valueOf(path)), Map.entry("outcome", String.valueOf(outcome)),
                Map.entry("search_text", searchText));
    }

    private static void collectValues(JsonNode node, StringBuilder words) {
        if (node.isValueNode() && !node.isNull()) {
            words.append(node.asText()).append(' ');
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                collectValues(element, words);
            }
        } else if (node.isObject()) {
            // in canonical (sorted) member order, so the text is the same however the event was written
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            for (String name : names) {
                collectValues(node.get(name), words);
            }
        }
    }

    private static Instant time(JsonNode node) throws Malformed {
        if (node == null || !node.isTextual() || !TIME.matcher(node.textValue()).matches()) {
            throw new Malformed("missing or invalid time (RFC 3339 required)");
        }
        try {
            return OffsetDateTime.parse(node.textValue()).toInstant().truncatedTo(ChronoUnit.MICROS);
        } catch (DateTimeParseException e) {
            throw new Malformed("missing or invalid time (RFC 3339 required)");
        }
    }

    private static String requiredText(JsonNode event, String name) throws Malformed {
        JsonNode node = event.get(name);
        if (node == null || !node.isTextual() || node.textValue().isBlank()) {
            throw new Malformed("missing " + name);
        }
        return node.textValue();
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() || node.isContainerNode() || node.isMissingNode() ? null : node.asText();
    }

    private static boolean isPath(String value) {
        return value != null && value.startsWith("/");
    }

    private static void checkLength(String name, String value, int max) throws Malformed {
        if (value != null && value.length() > max) {
            throw new Malformed(name + " longer than " + max + " characters");
        }
    }

    private static String clip(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "…" : value;
    }
}
