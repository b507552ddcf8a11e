package io.p2pfs.audit.chain;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;

/** Recomputes the chain over a seq range, a page of rows at a time. */
@ApplicationScoped
public class ChainVerifier {

    static final int PAGE = 1000;

    private static final String ROWS = "SELECT seq, event_id, event_type, source, subject, event_time, actor, action, "
            + "resource, path, outcome, search_text, canonical, prev_hash, hash FROM audit_event "
            + "WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3";

    private final Pool pool;

    public ChainVerifier(Pool pool) {
        this.pool = pool;
    }

    public Uni<VerifyResult> verify(long from, long to) {
        Uni<byte[]> anchor = from == 1 ? Uni.createFrom().nullItem()
                : pool.preparedQuery("SELECT hash FROM audit_event WHERE seq = $1").execute(Tuple.of(from - 1))
                        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getBuffer("hash").getBytes());
        return anchor.flatMap(hash -> walk(new ChainCheck(from, hash), from, to));
    }

    private Uni<VerifyResult> walk(ChainCheck check, long next, long to) {
        return pool.preparedQuery(ROWS).execute(Tuple.of(next, to, PAGE))
                // hashing and parsing a thousand rows is CPU work: off the event loop
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .flatMap(rows -> {
                    long last = next - 1;
                    for (Row row : rows) {
                        Optional<ChainCheck.Break> broken = check.next(stored(row));
                        if (broken.isPresent()) {
                            return Uni.createFrom().item(new VerifyResult(false, check.checked(),
                                    broken.get().seq(), broken.get().problem()));
                        }
                        last = row.getLong("seq");
                    }
                    if (rows.size() < PAGE || last >= to) {
                        return Uni.createFrom().item(new VerifyResult(true, check.checked(), null, null));
                    }
                    return walk(check, last + 1, to);
                });
    }

    private static ChainCheck.StoredRow stored(Row row) {
        Map<String, Object> columns = Map.ofEntries(
                Map.entry("event_id", row.getString("event_id")), Map.entry("event_type", row.getString("event_type")),
                Map.entry("source", String.valueOf(row.getString("source"))),
                Map.entry("subject", String.valueOf(row.getString("subject"))),
                Map.entry("event_time", row.getOffsetDateTime("event_time").toInstant()),
                Map.entry("actor", String.valueOf(row.getString("actor"))), Map.entry("action", row.getString("action")),
                Map.entry("resource", String.valueOf(row.getString("resource"))),
                Map.entry("path", String.valueOf(row.getString("path"))),
                Map.entry("outcome", String.valueOf(row.getString("outcome"))),
                Map.entry("search_text", row.getString("search_text")));
        return new ChainCheck.StoredRow(row.getLong("seq"), columns, row.getString("canonical"),
                row.getBuffer("prev_hash").getBytes(), row.getBuffer("hash").getBytes());
    }
}
