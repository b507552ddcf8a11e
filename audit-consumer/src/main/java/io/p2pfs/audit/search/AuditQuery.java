package io.p2pfs.audit.search;

import io.p2pfs.common.problem.BadRequest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The filters of a search or export, validated: every bad value is a {@link BadRequest}.
 *
 * @param words  the free-text query reduced to lower-case words (as {@code search_text} is)
 * @param path   a normalised absolute path; matches itself and everything below it
 * @param from   inclusive lower bound on the event time
 * @param to     exclusive upper bound on the event time
 * @param before only rows with a smaller seq (the decoded cursor)
 */
public record AuditQuery(String q, String words, String actor, String action, String path, String outcome,
        Instant from, Instant to, Long before) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    private static final Set<String> OUTCOMES = Set.of("SUCCESS", "DENIED", "FAILED");
    private static final Pattern NOT_A_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    public static AuditQuery parse(String q, String actor, String action, String path, String outcome, String from,
            String to, String cursor) {
        String words = null;
        if (present(q)) {
            requireLength("q", q, 500);
            words = NOT_A_WORD.matcher(q).replaceAll(" ").trim().toLowerCase(Locale.ROOT);
            if (words.isEmpty()) {
                throw new BadRequest("q has no words to search for (letters or digits).");
            }
        }
        if (present(actor)) {
            requireLength("actor", actor, 256);
        }
        if (present(action)) {
            requireLength("action", action, 256);
        }
        String normalisedOutcome = null;
        if (present(outcome)) {
            normalisedOutcome = outcome.trim().toUpperCase(Locale.ROOT);
            if (!OUTCOMES.contains(normalisedOutcome)) {
                throw new BadRequest("outcome must be one of SUCCESS, DENIED, FAILED.");
            }
        }
        Instant start = present(from) ? instant("from", from) : null;
        Instant end = present(to) ? instant("to", to) : null;
        if (start != null && end != null && !start.isBefore(end)) {
            throw new BadRequest("from must be before to.");
        }
        return new AuditQuery(present(q) ? q : null, words, present(actor) ? actor : null,
                present(action) ? action : null, present(path) ? normalisePath(path) : null, normalisedOutcome, start,
                end, present(cursor) ? Cursor.decode(cursor) : null);
    }

    public static int limit(String limit) {
        if (!present(limit)) {
            return DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(limit.trim());
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadRequest("limit must be a whole number from 1 to " + MAX_LIMIT + ".");
    }

    /** The filters that were set, for the record of an auditor's search. */
    public Map<String, Object> describe() {
        Map<String, Object> filters = new LinkedHashMap<>();
        putIfSet(filters, "q", q);
        putIfSet(filters, "actor", actor);
        putIfSet(filters, "action", action);
        putIfSet(filters, "path", path);
        putIfSet(filters, "outcome", outcome);
        putIfSet(filters, "from", from);
        putIfSet(filters, "to", to);
        putIfSet(filters, "cursor", before == null ? null : Cursor.encode(before));
        return filters;
    }

    private static void putIfSet(Map<String, Object> filters, String name, Object value) {
        if (value != null) {
            filters.put(name, value.toString());
        }
    }

    static String normalisePath(String path) {
        if (!path.startsWith("/")) {
            throw new BadRequest("path must be absolute (start with /).");
        }
        requireLength("path", path, 2000);
        String normalised = path.replaceAll("/+", "/");
        if (normalised.length() > 1 && normalised.endsWith("/")) {
            normalised = normalised.substring(0, normalised.length() - 1);
        }
        for (String segment : normalised.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new BadRequest("path must not contain . or .. segments.");
            }
        }
        return normalised;
    }

    private static Instant instant(String name, String value) {
        try {
            return OffsetDateTime.parse(value.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadRequest(name + " must be an RFC 3339 time such as 2026-01-31T12:00:00Z.");
        }
    }

    private static void requireLength(String name, String value, int max) {
        if (value.length() > max) {
            throw new BadRequest(name + " is longer than " + max + " characters.");
        }
        if (CONTROL.matcher(value).find()) {
            throw new BadRequest(name + " must not contain control characters.");
        }
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
