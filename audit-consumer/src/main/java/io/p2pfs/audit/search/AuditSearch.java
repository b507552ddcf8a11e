package io.p2pfs.audit.search;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Reads the audit log: pages for search, and a lazily fetched stream for export. */
@ApplicationScoped
public class AuditSearch {

    /** Rows fetched per query while exporting: the most an export holds in memory at once. */
    static final int EXPORT_PAGE = 500;

    private final Pool pool;

    public AuditSearch(Pool pool) {
        this.pool = pool;
    }

    public Uni<SearchPage> page(AuditQuery query, Scope scope, int limit) {
        long before = query.before() == null ? Long.MAX_VALUE : query.before();
        return fetch(query, scope, before, limit + 1).map(rows -> {
            boolean more = rows.size() > limit;
            List<AuditRecord> items = more ? rows.subList(0, limit) : rows;
            String next = more ? Cursor.encode(items.get(items.size() - 1).seq()) : null;
            return new SearchPage(List.copyOf(items), next);
        });
    }

    /**
     * Every matching row, newest first, fetched a page at a time as the subscriber asks for more:
     * the next page is queried only when the previous one has been consumed (written out).
     */
    public Multi<AuditRecord> stream(AuditQuery query, Scope scope) {
        AtomicLong before = new AtomicLong(query.before() == null ? Long.MAX_VALUE : query.before());
        return Multi.createBy().repeating()
                .uni(() -> fetch(query, scope, before.get(), EXPORT_PAGE).invoke(rows -> {
                    if (!rows.isEmpty()) {
                        before.set(rows.get(rows.size() - 1).seq());
                    }
                }))
                .whilst(rows -> rows.size() == EXPORT_PAGE)
                .onItem().transformToIterable(rows -> rows);
    }

    private Uni<List<AuditRecord>> fetch(AuditQuery query, Scope scope, long before, int limit) {
        SearchSql sql = SearchSql.page(query, scope.onlyActor(), before, limit);
        return pool.preparedQuery(sql.text()).execute(Tuple.from(sql.params())).map(rows -> {
            List<AuditRecord> records = new ArrayList<>(rows.size());
            for (Row row : rows) {
                records.add(AuditRecord.of(row));
            }
            return records;
        });
    }
}
