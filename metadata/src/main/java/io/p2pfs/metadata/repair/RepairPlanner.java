package io.p2pfs.metadata.repair;

import io.p2pfs.client.placement.Placement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What one chunk needs to be back at its replication factor, decided from its replica rows and
 * the live nodes alone (no framework types: unit-tested on its own).
 *
 * <ul>
 * <li><b>live</b> replicas are confirmed on UP nodes; they alone count towards R. A DRAINING
 * node's confirmed replicas are <b>readable</b> (copy sources, still served) but do not count,
 * so draining copies everything it holds elsewhere. Replicas on DOWN nodes count for nothing
 * until the node is back.
 * <li>Too few (live + pending below R): copies from a readable replica to the best-ranked UP
 * nodes that hold no row of the chunk, within the round's limits on copies per target and per
 * source. A zone not yet holding the chunk is always preferred: when its nodes are at their limit
 * the chunk waits for the next round rather than doubling up in a zone.
 * <li>Enough: surplus live replicas beyond R are removed (a node back after its chunks were
 * repaired), each time the one whose zone is held twice, else the lowest-ranked; once the chunk
 * is whole, bad copies on UP nodes are removed too. Nothing is removed while copies are pending.
 * </ul>
 */
public final class RepairPlanner {

    private RepairPlanner() {
    }

    /** A replica row with its node as the repair sees it. */
    public record Replica(UUID nodeId, String url, String zone, String nodeState, String state) {

        boolean live() {
            return "CONFIRMED".equals(state) && "UP".equals(nodeState);
        }

        boolean readable() {
            return "CONFIRMED".equals(state) && ("UP".equals(nodeState) || "DRAINING".equals(nodeState));
        }

        boolean pending() {
            return "PENDING".equals(state) && "UP".equals(nodeState);
        }
    }

    /** One chunk: ciphertext size, replication factor, every replica row. */
    public record Chunk(String chunkId, long size, int replicationFactor, List<Replica> replicas) {
    }

    /** Ask {@code target} to pull the chunk from {@code source}. */
    public record Copy(String chunkId, Replica source, Placement.Candidate target, long size) {
    }

    /** Ask {@code nodeId} to delete its copy. */
    public record Removal(String chunkId, UUID nodeId, String why) {
    }

    /** Where the chunk stands once the plan is carried out. */
    public enum Verdict {
        /** Nothing more to do for now (copies requested, surplus removed, or nothing was needed). */
        DONE,
        /** Copies are pending and surplus or bad copies will be left once they land: look again later. */
        WAITING,
        /** Not enough copies could be requested within this round's limits: next round. */
        LIMITED,
        /** No readable replica to copy from (all down or bad). */
        NO_SOURCE,
        /** No UP node left that could take another copy. */
        NO_TARGET
    }

    public record Plan(List<Copy> copies, List<Removal> removals, Verdict verdict) {

        long bytes() {
            return copies.stream().mapToLong(Copy::size).sum();
        }
    }

    /** The limits of one round: copies in flight per target (pending from earlier rounds included), copies per source. */
    public static final class Round {

        private final int copiesPerNode;
        private final Map<UUID, Integer> targets;
        private final Map<UUID, Integer> sources = new HashMap<>();

        public Round(int copiesPerNode, Map<UUID, Integer> pendingPerTarget) {
            this.copiesPerNode = copiesPerNode;
            this.targets = new HashMap<>(pendingPerTarget);
        }

        boolean canTarget(UUID node) {
            return targets.getOrDefault(node, 0) < copiesPerNode;
        }

        int sourceUse(UUID node) {
            return sources.getOrDefault(node, 0);
        }

        /** Counts a plan's copies against the limits (once the plan is carried out). */
        public void take(Plan plan) {
            for (Copy copy : plan.copies()) {
                targets.merge(copy.target().nodeId(), 1, Integer::sum);
                sources.merge(copy.source().nodeId(), 1, Integer::sum);
            }
        }
    }

    public static Plan plan(Chunk chunk, List<Placement.Candidate> upNodes, Round round) {
        List<Replica> live = chunk.replicas().stream().filter(Replica::live).toList();
        List<Replica> pending = chunk.replicas().stream().filter(Replica::pending).toList();
        int r = chunk.replicationFactor();
        int need = r - live.size() - pending.size();
        // A bad copy goes once the chunk is whole again: while copies are under way, look again later.
        boolean badCopies = chunk.replicas().stream()
                .anyMatch(replica -> "BAD".equals(replica.state()) && "UP".equals(replica.nodeState()));
        if (need > 0) {
            Plan plan = copies(chunk, upNodes, round, live, pending, need);
            return plan.verdict() == Verdict.DONE && badCopies
                    ? new Plan(plan.copies(), plan.removals(), Verdict.WAITING) : plan;
        }
        if (!pending.isEmpty()) {
            return new Plan(List.of(), List.of(), live.size() >= r || badCopies ? Verdict.WAITING : Verdict.DONE);
        }
        List<Removal> removals = new ArrayList<>(surplus(chunk, upNodes, live));
        for (Replica replica : chunk.replicas()) {
            if ("BAD".equals(replica.state()) && "UP".equals(replica.nodeState())) {
                removals.add(new Removal(chunk.chunkId(), replica.nodeId(), "bad copy"));
            }
        }
        return new Plan(List.of(), removals, Verdict.DONE);
    }

    private static Plan copies(Chunk chunk, List<Placement.Candidate> upNodes, Round round, List<Replica> live,
            List<Replica> pending, int need) {
        List<Replica> readable = new ArrayList<>(chunk.replicas().stream().filter(Replica::readable).toList());
        if (readable.isEmpty()) {
            return new Plan(List.of(), List.of(), Verdict.NO_SOURCE);
        }
        Set<UUID> rows = new HashSet<>();
        chunk.replicas().forEach(replica -> rows.add(replica.nodeId()));
        Set<String> heldZones = new HashSet<>();
        live.forEach(replica -> heldZones.add(replica.zone()));
        pending.forEach(replica -> heldZones.add(replica.zone()));
        List<Placement.Candidate> open = new ArrayList<>(Placement.rank(chunk.chunkId(), upNodes).stream()
                .filter(node -> !rows.contains(node.nodeId())).toList());
        if (open.isEmpty()) {
            return new Plan(List.of(), List.of(), Verdict.NO_TARGET);
        }
        List<Copy> copies = new ArrayList<>();
        Map<UUID, Integer> used = new HashMap<>();
        boolean limited = false;
        while (copies.size() < need && !open.isEmpty()) {
            // A zone that holds no copy yet, if any node has one: waiting for such a node to be
            // free beats a copy in a zone that holds one already. HRW order within.
            List<Placement.Candidate> fresh = open.stream().filter(node -> !heldZones.contains(node.zone())).toList();
            Placement.Candidate target = (fresh.isEmpty() ? open : fresh).stream()
                    .filter(node -> round.canTarget(node.nodeId())).findFirst().orElse(null);
            Replica source = readable.stream()
                    .filter(replica -> round.sourceUse(replica.nodeId()) + used.getOrDefault(replica.nodeId(), 0)
                            < round.copiesPerNode)
                    .min(Comparator.comparingInt((Replica replica) -> used.getOrDefault(replica.nodeId(), 0))
                            .thenComparing(replica -> !"UP".equals(replica.nodeState())))
                    .orElse(null);
            if (target == null || source == null) {
                limited = true;
                break;
            }
            copies.add(new Copy(chunk.chunkId(), source, target, chunk.size()));
            used.merge(source.nodeId(), 1, Integer::sum);
            heldZones.add(target.zone());
            open.remove(target);
        }
        Verdict verdict = copies.size() == need ? Verdict.DONE : limited ? Verdict.LIMITED : Verdict.NO_TARGET;
        return new Plan(copies, List.of(), verdict);
    }

    private static List<Removal> surplus(Chunk chunk, List<Placement.Candidate> upNodes, List<Replica> live) {
        int extra = live.size() - chunk.replicationFactor();
        if (extra <= 0) {
            return List.of();
        }
        List<UUID> ranking = Placement.rank(chunk.chunkId(), upNodes).stream().map(Placement.Candidate::nodeId)
                .toList();
        List<Replica> kept = new ArrayList<>(live);
        List<Removal> removals = new ArrayList<>();
        while (removals.size() < extra) {
            Map<String, Integer> perZone = new HashMap<>();
            kept.forEach(replica -> perZone.merge(replica.zone(), 1, Integer::sum));
            Replica worst = kept.stream()
                    .max(Comparator.comparing((Replica replica) -> perZone.get(replica.zone()) > 1)
                            .thenComparingInt(replica -> position(ranking, replica.nodeId())))
                    .orElseThrow();
            kept.remove(worst);
            removals.add(new Removal(chunk.chunkId(), worst.nodeId(), "surplus replica"));
        }
        return removals;
    }

    private static int position(List<UUID> ranking, UUID node) {
        int at = ranking.indexOf(node);
        return at < 0 ? Integer.MAX_VALUE : at;
    }
}
