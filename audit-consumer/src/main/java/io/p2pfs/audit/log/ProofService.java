package io.p2pfs.audit.log;

import io.p2pfs.audit.search.Scope;
import io.p2pfs.common.audit.Merkle;
import io.p2pfs.common.audit.TreeHead;
import io.p2pfs.common.problem.BadRequest;
import io.p2pfs.common.problem.Conflict;
import io.p2pfs.common.problem.NotFound;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/** Inclusion and consistency proofs from the stored tree: O(log n) nodes, one query. */
@ApplicationScoped
public class ProofService {

    private final Pool pool;
    private final TreeStore tree;

    public ProofService(Pool pool, TreeStore tree) {
        this.pool = pool;
        this.tree = tree;
    }

    /**
     * The inclusion proof of an event in the tree of {@code treeSize} entries (default: the
     * latest signed head). An event outside the caller's scope answers as a missing one.
     */
    public Uni<Proofs.Inclusion> inclusion(String eventId, Long treeSize, Scope scope) {
        return pool.preparedQuery("SELECT seq, actor, leaf_hash, canonical FROM audit_event WHERE event_id = $1")
                .execute(Tuple.of(eventId)).flatMap(rows -> {
                    Row row = rows.size() == 0 ? null : rows.iterator().next();
                    if (row == null || (!scope.seesAll() && !scope.onlyActor().equals(row.getString("actor")))) {
                        throw new NotFound("No audit event " + eventId + ".");
                    }
                    long seq = row.getLong("seq");
                    return size(treeSize, seq).flatMap(size -> tree.rangeHashes(pool, Merkle.inclusionPath(seq - 1, size))
                            .flatMap(hashes -> tree.headOfSize(pool, size).map(head -> new Proofs.Inclusion(eventId, seq,
                                    seq - 1, size, Merkle.hex(row.getBuffer("leaf_hash").getBytes()), hex(hashes),
                                    row.getString("canonical"), head.orElse(null)))));
                });
    }

    public Uni<Proofs.Consistency> consistency(long from, long to) {
        if (from < 1 || to < from) {
            throw new BadRequest("from must be 1 or more and to at least from.");
        }
        return tree.state(pool).flatMap(state -> {
            if (to > state.treeSize()) {
                throw new BadRequest("The log holds " + state.treeSize() + " entries; to must not exceed that.");
            }
            Uni<List<byte[]>> hashes = from == to ? Uni.createFrom().item(List.of())
                    : tree.rangeHashes(pool, Merkle.consistencyPath(from, to));
            return hashes.flatMap(found -> tree.headOfSize(pool, from).flatMap(fromHead -> tree.headOfSize(pool, to)
                    .map(toHead -> new Proofs.Consistency(from, to, hex(found), fromHead.orElse(null),
                            toHead.orElse(null)))));
        });
    }

    private Uni<Long> size(Long requested, long seq) {
        if (requested != null) {
            return tree.state(pool).map(state -> {
                if (requested < 1 || requested > state.treeSize()) {
                    throw new BadRequest("treeSize must be between 1 and the log's size, " + state.treeSize() + ".");
                }
                if (seq > requested) {
                    throw new BadRequest("The event has seq " + seq + ", so it is not in a tree of " + requested
                            + " entries.");
                }
                return requested;
            });
        }
        return tree.latestHead(pool).map(latest -> {
            Optional<TreeHead> head = latest.filter(h -> h.treeSize() >= seq);
            if (head.isEmpty()) {
                throw new Conflict("The event (seq " + seq + ") is newer than the latest signed tree head"
                        + latest.map(h -> " (size " + h.treeSize() + ")").orElse("")
                        + ". Ask again after the next head, name a treeSize, or sign one with POST /api/v1/audit/tree-heads.");
            }
            return head.get().treeSize();
        });
    }

    private static List<String> hex(List<byte[]> hashes) {
        return hashes.stream().map(Merkle::hex).toList();
    }
}
