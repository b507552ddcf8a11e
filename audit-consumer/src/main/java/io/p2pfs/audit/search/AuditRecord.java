package io.p2pfs.audit.search;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.p2pfs.common.audit.Merkle;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;

/**
 * One stored event as the API shows it: its chain position and hash, the indexed fields, and the
 * whole event exactly as stored (its canonical JSON).
 */
public record AuditRecord(long seq, String id, String type, Instant time, String actor, String action,
        String resource, String path, String outcome, String hash, @JsonRawValue String event) {

    static AuditRecord of(Row row) {
        return new AuditRecord(row.getLong("seq"), row.getString("event_id"), row.getString("event_type"),
                row.getOffsetDateTime("event_time").toInstant(), row.getString("actor"), row.getString("action"),
                row.getString("resource"), row.getString("path"), row.getString("outcome"),
                Merkle.hex(row.getBuffer("leaf_hash").getBytes()), row.getString("canonical"));
    }
}
