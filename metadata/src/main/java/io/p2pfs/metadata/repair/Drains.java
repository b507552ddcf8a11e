package io.p2pfs.metadata.repair;

import io.p2pfs.client.api.Health;
import io.p2pfs.metadata.replicas.RepairQueue;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Where each drain stands: of the chunks a DRAINING node holds, how many still lack their
 * replication factor on UP nodes other than it. A drain is complete when none does.
 */
@ApplicationScoped
public class Drains {

    public Uni<List<Health.Drain>> progress(Mutiny.Session session) {
        return session.createNativeQuery("SELECT CAST(n.node_id AS text), n.url, n.zone, n.capacity_bytes, "
                + "count(r.chunk_id), count(r.chunk_id) FILTER (WHERE " + RepairQueue.live("r") + " < c.replication_factor) "
                + "FROM nodes n LEFT JOIN replicas r ON r.node_id = n.node_id AND r.state IN ('CONFIRMED', 'PENDING') "
                + "LEFT JOIN chunks c ON c.chunk_id = r.chunk_id "
                + "WHERE n.state = 'DRAINING' AND n.removed_at IS NULL GROUP BY n.node_id ORDER BY n.node_id",
                Object[].class).getResultList()
                .map(rows -> rows.stream().map(row -> new Health.Drain(UUID.fromString((String) row[0]), (String) row[1],
                        (String) row[2], ((Number) row[3]).longValue(), ((Number) row[4]).longValue(),
                        ((Number) row[5]).longValue())).toList());
    }
}
