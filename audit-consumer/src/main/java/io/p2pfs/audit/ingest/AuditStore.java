package io.p2pfs.audit.ingest;

import io.p2pfs.audit.chain.AuditEntry;
import io.p2pfs.audit.chain.HashChain;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Appends events to the hash chain, each event at most once.
 *
 * <p>Single writer: every append runs in one transaction that first takes the PostgreSQL
 * transaction-scoped advisory lock {@link #WRITER_LOCK}. Replicas therefore extend the chain one
 * after another (the lock is released by commit or rollback, also when a replica dies), and the
 * head read inside the lock is the true head, so seq stays gap-free and every prev_hash is the
 * hash of the row before it. Duplicates (redelivery, replay) are filtered inside the same lock;
 * the unique index on event_id is the backstop.
 */
@ApplicationScoped
public class AuditStore {

    /** Advisory lock key: the chain's single-writer token ("p2pfsaud"). */
    static final long WRITER_LOCK = 0x7032_7066_7361_7564L;

    private static final String INSERT = "INSERT INTO audit_event (seq, event_id, event_type, source, subject, "
            + "event_time, actor, action, resource, path, outcome, search_text, canonical, prev_hash, hash) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";

    private final Pool pool;

    public AuditStore(Pool pool) {
        this.pool = pool;
    }

    /** What one append did. */
    public record Appended(int stored, int duplicates) {
    }

    /** Appends the entries in order, skipping any whose event id is already stored. */
    public Uni<Appended> append(List<AuditEntry> entries) {
        Map<String, AuditEntry> unique = new LinkedHashMap<>();
        entries.forEach(entry -> unique.putIfAbsent(entry.eventId(), entry));
        if (unique.isEmpty()) {
            return Uni.createFrom().item(new Appended(0, 0));
        }
        return pool.withTransaction(connection -> connection.preparedQuery("SELECT pg_advisory_xact_lock($1)")
                .execute(Tuple.of(WRITER_LOCK))
                .flatMap(locked -> connection.preparedQuery("SELECT event_id FROM audit_event WHERE event_id = ANY($1)")
                        .execute(Tuple.of(unique.keySet().toArray(new String[0]))))
                .flatMap(existing -> {
                    Set<String> stored = new HashSet<>();
                    existing.forEach(row -> stored.add(row.getString(0)));
                    List<AuditEntry> fresh = unique.values().stream()
                            .filter(entry -> !stored.contains(entry.eventId())).toList();
                    int duplicates = entries.size() - fresh.size();
                    if (fresh.isEmpty()) {
                        return Uni.createFrom().item(new Appended(0, duplicates));
                    }
                    return insert(connection, fresh).replaceWith(new Appended(fresh.size(), duplicates));
                }));
    }

    private Uni<RowSet<Row>> insert(SqlConnection connection, List<AuditEntry> fresh) {
        return connection.query("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1").execute()
                .flatMap(head -> {
                    long seq = 0;
                    byte[] prev = HashChain.GENESIS;
                    for (Row row : head) {
                        seq = row.getLong("seq");
                        prev = row.getBuffer("hash").getBytes();
                    }
                    List<Tuple> rows = new ArrayList<>(fresh.size());
                    for (AuditEntry entry : fresh) {
                        seq++;
                        byte[] hash = HashChain.link(prev, entry.canonical());
                        rows.add(Tuple.tuple().addLong(seq).addString(entry.eventId()).addString(entry.eventType())
                                .addString(entry.source()).addString(entry.subject())
                                .addOffsetDateTime(entry.eventTime().atOffset(ZoneOffset.UTC))
                                .addString(entry.actor()).addString(entry.action()).addString(entry.resource())
                                .addString(entry.path()).addString(entry.outcome()).addString(entry.searchText())
                                .addString(entry.canonical()).addBuffer(Buffer.buffer(prev))
                                .addBuffer(Buffer.buffer(hash)));
                        prev = hash;
                    }
                    return connection.preparedQuery(INSERT).executeBatch(rows);
                });
    }
}
