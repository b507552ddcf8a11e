package io.p2pfs.audit.search;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a query into SQL with positional parameters. Newest first is seq descending; the
 * cursor is a keyset bound on seq, so each page is an index range scan however deep it is.
 *
 * @param scopeActor when not null, only this actor's events (callers who are not auditors)
 */
public record SearchSql(String text, List<Object> params) {

    static final String COLUMNS = "seq, event_id, event_type, event_time, actor, action, resource, path, outcome, "
            + "canonical, leaf_hash";

    public static SearchSql page(AuditQuery query, String scopeActor, long before, int limit) {
        List<Object> params = new ArrayList<>();
        List<String> conditions = new ArrayList<>();
        if (query.words() != null) {
            params.add(query.words());
            conditions.add("search @@ plainto_tsquery('simple', $" + params.size() + ")");
        }
        if (scopeActor != null) {
            params.add(scopeActor);
            conditions.add("actor = $" + params.size());
        }
        if (query.actor() != null) {
            params.add(query.actor());
            conditions.add("actor = $" + params.size());
        }
        if (query.action() != null) {
            params.add(query.action());
            conditions.add("action = $" + params.size());
        }
        if (query.path() != null) {
            if (query.path().equals("/")) {
                conditions.add("path LIKE '/%'");
            } else {
                params.add(query.path());
                int exact = params.size();
                params.add(escapeLike(query.path()) + "/%");
                conditions.add("(path = $" + exact + " OR path LIKE $" + params.size() + ")");
            }
        }
        if (query.outcome() != null) {
            params.add(query.outcome());
            conditions.add("outcome = $" + params.size());
        }
        if (query.from() != null) {
            params.add(query.from().atOffset(ZoneOffset.UTC));
            conditions.add("event_time >= $" + params.size());
        }
        if (query.to() != null) {
            params.add(query.to().atOffset(ZoneOffset.UTC));
            conditions.add("event_time < $" + params.size());
        }
        params.add(before);
        conditions.add("seq < $" + params.size());
        params.add(limit);
        String sql = "SELECT " + COLUMNS + " FROM audit_event WHERE " + String.join(" AND ", conditions)
                + " ORDER BY seq DESC LIMIT $" + params.size();
        return new SearchSql(sql, params);
    }

    /** LIKE's default escape character is backslash. */
    static String escapeLike(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
