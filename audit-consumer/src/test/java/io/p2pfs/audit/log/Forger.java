package io.p2pfs.audit.log;

import io.p2pfs.audit.AuditEvents;
import io.p2pfs.audit.entry.AuditEntry;
import io.p2pfs.common.audit.CompactRange;
import io.p2pfs.common.audit.Merkle;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * What someone holding the audit database's owner role (but not the log key) can do: switch off
 * the append-only triggers, rewrite rows, and recompute every leaf hash, tree node and the stored
 * root so the database is consistent with itself again. Also snapshots and restores the tables,
 * so each test leaves the log as it found it.
 */
final class Forger {

    private static final List<String> TABLES = List.of("audit_event", "audit_tree_node", "audit_tree_state",
            "audit_tree_head");

    private Forger() {
    }

    static void snapshot() {
        run(statement -> {
            for (String table : TABLES) {
                statement.execute("DROP TABLE IF EXISTS snapshot_" + table);
                statement.execute("CREATE TABLE snapshot_" + table + " AS SELECT * FROM " + table);
            }
        });
    }

    static void restore() {
        run(statement -> {
            for (String table : TABLES) {
                statement.execute("ALTER TABLE " + table + " DISABLE TRIGGER USER");
                statement.execute("DELETE FROM " + table);
                if (table.equals("audit_event")) {
                    statement.execute("INSERT INTO audit_event (seq, event_id, event_type, source, subject, event_time, "
                            + "actor, action, resource, path, outcome, search_text, canonical, leaf_hash) SELECT seq, "
                            + "event_id, event_type, source, subject, event_time, actor, action, resource, path, outcome, "
                            + "search_text, canonical, leaf_hash FROM snapshot_audit_event");
                } else {
                    statement.execute("INSERT INTO " + table + " SELECT * FROM snapshot_" + table);
                }
                statement.execute("ALTER TABLE " + table + " ENABLE TRIGGER USER");
            }
        });
    }

    /** Runs SQL with the append-only triggers off. */
    static void tamper(String... sql) {
        run(statement -> {
            for (String table : TABLES) {
                statement.execute("ALTER TABLE " + table + " DISABLE TRIGGER USER");
            }
            for (String each : sql) {
                statement.execute(each);
            }
            for (String table : TABLES) {
                statement.execute("ALTER TABLE " + table + " ENABLE TRIGGER USER");
            }
        });
    }

    /** Replaces the event of {@code seq} and every column derived from it. */
    static void rewriteEvent(long seq, String canonical) throws Exception {
        AuditEntry entry = AuditEntry.fromCanonical(canonical);
        try (Connection connection = AuditEvents.connect()) {
            try (Statement off = connection.createStatement()) {
                off.execute("ALTER TABLE audit_event DISABLE TRIGGER USER");
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE audit_event SET event_id = ?, "
                    + "event_type = ?, source = ?, subject = ?, event_time = ?, actor = ?, action = ?, resource = ?, "
                    + "path = ?, outcome = ?, search_text = ?, canonical = ?, leaf_hash = ? WHERE seq = ?")) {
                update.setString(1, entry.eventId());
                update.setString(2, entry.eventType());
                update.setString(3, entry.source());
                update.setString(4, entry.subject());
                update.setTimestamp(5, Timestamp.from(entry.eventTime()));
                update.setString(6, entry.actor());
                update.setString(7, entry.action());
                update.setString(8, entry.resource());
                update.setString(9, entry.path());
                update.setString(10, entry.outcome());
                update.setString(11, entry.searchText());
                update.setString(12, entry.canonical());
                update.setBytes(13, entry.leafHash());
                update.setLong(14, seq);
                update.executeUpdate();
            }
            try (Statement on = connection.createStatement()) {
                on.execute("ALTER TABLE audit_event ENABLE TRIGGER USER");
            }
        }
    }

    /**
     * Recomputes every leaf hash from the stored events and every interior node, and with
     * {@code withState} the stored size and root too: the database agrees with itself again
     * (only the state's seal, which needs the log key, stays as it was).
     */
    static void rebuildTree(boolean withState) throws SQLException {
        try (Connection connection = AuditEvents.connect()) {
            List<Long> seqs = new ArrayList<>();
            List<byte[]> leaves = new ArrayList<>();
            try (Statement query = connection.createStatement();
                    ResultSet rows = query.executeQuery("SELECT seq, canonical FROM audit_event ORDER BY seq")) {
                while (rows.next()) {
                    seqs.add(rows.getLong(1));
                    leaves.add(Merkle.leafHash(rows.getString(2)));
                }
            }
            try (Statement off = connection.createStatement()) {
                for (String table : TABLES) {
                    off.execute("ALTER TABLE " + table + " DISABLE TRIGGER USER");
                }
                off.execute("DELETE FROM audit_tree_node");
            }
            CompactRange tree = new CompactRange();
            try (PreparedStatement leaf = connection.prepareStatement("UPDATE audit_event SET leaf_hash = ? WHERE seq = ?");
                    PreparedStatement node = connection.prepareStatement(
                            "INSERT INTO audit_tree_node (level, idx, hash) VALUES (?, ?, ?)")) {
                for (int i = 0; i < seqs.size(); i++) {
                    leaf.setBytes(1, leaves.get(i));
                    leaf.setLong(2, seqs.get(i));
                    leaf.addBatch();
                    tree.append(leaves.get(i), (n, hash) -> {
                        try {
                            node.setInt(1, n.level());
                            node.setLong(2, n.index());
                            node.setBytes(3, hash);
                            node.addBatch();
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                }
                leaf.executeBatch();
                node.executeBatch();
            }
            if (withState) {
                try (PreparedStatement state = connection.prepareStatement(
                        "UPDATE audit_tree_state SET tree_size = ?, root_hash = ? WHERE id = 1")) {
                    state.setLong(1, tree.size());
                    state.setBytes(2, tree.root());
                    state.executeUpdate();
                }
            }
            try (Statement on = connection.createStatement()) {
                for (String table : TABLES) {
                    on.execute("ALTER TABLE " + table + " ENABLE TRIGGER USER");
                }
            }
        }
    }

    @FunctionalInterface
    interface Work {
        void run(Statement statement) throws SQLException;
    }

    private static void run(Work work) {
        try (Connection connection = AuditEvents.connect(); Statement statement = connection.createStatement()) {
            work.run(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
