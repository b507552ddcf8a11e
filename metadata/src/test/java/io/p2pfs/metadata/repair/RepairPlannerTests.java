package io.p2pfs.metadata.repair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.p2pfs.client.placement.Placement;
import io.p2pfs.metadata.repair.RepairPlanner.Chunk;
import io.p2pfs.metadata.repair.RepairPlanner.Plan;
import io.p2pfs.metadata.repair.RepairPlanner.Replica;
import io.p2pfs.metadata.repair.RepairPlanner.Round;
import io.p2pfs.metadata.repair.RepairPlanner.Verdict;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RepairPlannerTests {

    static final String CHUNK = "a".repeat(64);

    /** Six nodes: two per zone z1, z2, z3. */
    final List<Placement.Candidate> nodes = List.of(node(1, "z1"), node(2, "z1"), node(3, "z2"), node(4, "z2"),
            node(5, "z3"), node(6, "z3"));

    static Placement.Candidate node(int n, String zone) {
        return new Placement.Candidate(new UUID(0, n), "https://node" + n, zone, 1L << 30);
    }

    static Replica replica(Placement.Candidate node, String nodeState, String state) {
        return new Replica(node.nodeId(), node.url(), node.zone(), nodeState, state);
    }

    static Round round() {
        return new Round(4, Map.of());
    }

    List<Placement.Candidate> up(Placement.Candidate... down) {
        List<Placement.Candidate> up = new ArrayList<>(nodes);
        up.removeAll(List.of(down));
        return up;
    }

    @Test
    void aLostReplicaIsCopiedFromALiveOneToTheZoneThatLostIt() {
        Chunk chunk = new Chunk(CHUNK, 1000, 3, List.of(replica(nodes.get(0), "UP", "CONFIRMED"),
                replica(nodes.get(2), "UP", "CONFIRMED"), replica(nodes.get(4), "DOWN", "CONFIRMED")));
        Plan plan = RepairPlanner.plan(chunk, up(nodes.get(4)), round());
        assertEquals(Verdict.DONE, plan.verdict());
        assertEquals(1, plan.copies().size());
        assertEquals(nodes.get(5).nodeId(), plan.copies().get(0).target().nodeId(), "the other node of zone z3");
        assertTrue(plan.copies().get(0).source().live());
        assertEquals(1000, plan.bytes());
    }

    @Test
    void twoLostReplicasGoToTwoDistinctNewNodesNeverToAHolder() {
        Chunk chunk = new Chunk(CHUNK, 10, 3, List.of(replica(nodes.get(0), "UP", "CONFIRMED"),
                replica(nodes.get(2), "DOWN", "CONFIRMED"), replica(nodes.get(4), "DOWN", "CONFIRMED")));
        Plan plan = RepairPlanner.plan(chunk, up(nodes.get(2), nodes.get(4)), round());
        assertEquals(2, plan.copies().size());
        Set<UUID> targets = new HashSet<>();
        Set<String> zones = new HashSet<>();
        plan.copies().forEach(copy -> {
            targets.add(copy.target().nodeId());
            zones.add(copy.target().zone());
        });
        assertEquals(2, targets.size());
        assertEquals(Set.of("z2", "z3"), zones, "the zones the chunk lost");
        assertTrue(!targets.contains(nodes.get(0).nodeId()));
    }

    @Test
    void aChunkWaitsForAFreeNodeInTheZoneItLostRatherThanDoublingUpInAZone() {
        Chunk chunk = new Chunk(CHUNK, 10, 3, List.of(replica(nodes.get(0), "UP", "CONFIRMED"),
                replica(nodes.get(2), "UP", "CONFIRMED"), replica(nodes.get(4), "DOWN", "CONFIRMED")));
        Round busy = new Round(2, Map.of(nodes.get(5).nodeId(), 2));
        Plan plan = RepairPlanner.plan(chunk, up(nodes.get(4)), busy);
        assertEquals(Verdict.LIMITED, plan.verdict());
        assertTrue(plan.copies().isEmpty(), "no copy to z1 or z2 while z3's other node is busy");
        // With no node left in z3 at all, another zone's node takes it.
        Plan elsewhere = RepairPlanner.plan(chunk, up(nodes.get(4), nodes.get(5)), busy);
        assertEquals(1, elsewhere.copies().size());
    }

    @Test
    void aDrainingNodesCopyIsASourceButDoesNotCount() {
        Chunk chunk = new Chunk(CHUNK, 10, 3, List.of(replica(nodes.get(0), "UP", "CONFIRMED"),
                replica(nodes.get(2), "UP", "CONFIRMED"), replica(nodes.get(4), "DRAINING", "CONFIRMED")));
        List<Placement.Candidate> up = up(nodes.get(4));
        Plan plan = RepairPlanner.plan(chunk, up, round());
        assertEquals(1, plan.copies().size());
        assertEquals(nodes.get(5).nodeId(), plan.copies().get(0).target().nodeId());
        // With only the draining copy left, it is the source.
        Chunk last = new Chunk(CHUNK, 10, 1, List.of(replica(nodes.get(4), "DRAINING", "CONFIRMED")));
        Plan fromDraining = RepairPlanner.plan(last, up, round());
        assertEquals(nodes.get(4).nodeId(), fromDraining.copies().get(0).source().nodeId());
    }

    @Test
    void pendingCopiesCountAndNothingIsRemovedWhileTheyRun() {
        Chunk chunk = new Chunk(CHUNK, 10, 3, List.of(replica(nodes.get(0), "UP", "CONFIRMED"),
                replica(nodes.get(2), "UP", "CONFIRMED"), replica(nodes.get(4), "UP", "PENDING")));
        assertEquals(new Plan(List.of(), List.of(), Verdict.DONE), RepairPlanner.plan(chunk, nodes, round()));
        Chunk full = new Chunk(CHUNK, 10, 3, List.of(replica(nodes.get(0), "UP", "CONFIRMED"),
                replica(nodes.get(2), "UP", "CONFIRMED"), replica(nodes.get(4), "UP", "CONFIRMED"),
                replica(nodes.get(5), "UP", "PENDING")));
        Plan waiting = RepairPlanner.plan(full, nodes, round());
        assertEquals(Verdict.WAITING, waiting.verdict(), "look again for surplus once the copy lands");
        assertTrue(waiting.removals().isEmpty());
    }

    @Test
    void surplusCopiesGoKeepingZonesSpread() {
        // Four live copies, two of them in z1: one of the z1 copies goes.
        Chunk chunk = new Chunk(CHUNK, 10, 3, List.of(replica(nodes.get(0), "UP", "CONFIRMED"),
                replica(nodes.get(1), "UP", "CONFIRMED"), replica(nodes.get(2), "UP", "CONFIRMED"),
                replica(nodes.get(4), "UP", "CONFIRMED")));
        Plan plan = RepairPlanner.plan(chunk, nodes, round());
        assertEquals(1, plan.removals().size());
        UUID removed = plan.removals().get(0).nodeId();
        assertTrue(removed.equals(nodes.get(0).nodeId()) || removed.equals(nodes.get(1).nodeId()));
        assertEquals("surplus replica", plan.removals().get(0).why());
    }

    @Test
    void aBadCopyIsDeletedOnlyOnceTheChunkIsWhole() {
        List<Replica> shortOne = List.of(replica(nodes.get(0), "UP", "CONFIRMED"), replica(nodes.get(2), "UP", "CONFIRMED"),
                replica(nodes.get(4), "UP", "BAD"));
        Plan copying = RepairPlanner.plan(new Chunk(CHUNK, 10, 3, shortOne), nodes, round());
        assertEquals(1, copying.copies().size());
        assertEquals(Verdict.WAITING, copying.verdict(), "looked at again to delete the bad copy");
        assertNotEquals(nodes.get(4).nodeId(), copying.copies().get(0).target().nodeId(), "not onto the bad node");
        assertTrue(copying.removals().isEmpty());
        List<Replica> whole = new ArrayList<>(shortOne);
        whole.add(replica(nodes.get(5), "UP", "CONFIRMED"));
        Plan cleaning = RepairPlanner.plan(new Chunk(CHUNK, 10, 3, whole), nodes, round());
        assertEquals(List.of(new RepairPlanner.Removal(CHUNK, nodes.get(4).nodeId(), "bad copy")), cleaning.removals());
    }

    @Test
    void noReadableReplicaAndNoFreeNodeAreToldApart() {
        Chunk allDown = new Chunk(CHUNK, 10, 3, List.of(replica(nodes.get(0), "DOWN", "CONFIRMED"),
                replica(nodes.get(2), "UP", "BAD")));
        assertEquals(Verdict.NO_SOURCE, RepairPlanner.plan(allDown, nodes, round()).verdict());
        Chunk everywhere = new Chunk(CHUNK, 10, 3, List.of(replica(nodes.get(0), "UP", "CONFIRMED"),
                replica(nodes.get(1), "DOWN", "CONFIRMED")));
        assertEquals(Verdict.NO_TARGET,
                RepairPlanner.plan(everywhere, List.of(nodes.get(0)), round()).verdict());
    }

    @Test
    void copiesInFlightToOneTargetStayWithinTheRoundsLimit() {
        // Every chunk lost its z3 copy; z3's other node may take two more copies in flight.
        Round round = new Round(3, Map.of(nodes.get(5).nodeId(), 1));
        List<Placement.Candidate> up = up(nodes.get(4));
        int copies = 0;
        for (int i = 0; i < 10; i++) {
            Chunk chunk = new Chunk(String.format("%064x", i + 1), 10, 3, List.of(replica(nodes.get(0), "UP",
                    "CONFIRMED"), replica(nodes.get(2), "UP", "CONFIRMED"), replica(nodes.get(4), "DOWN", "CONFIRMED")));
            Plan plan = RepairPlanner.plan(chunk, up, round);
            round.take(plan);
            copies += plan.copies().size();
            plan.copies().forEach(copy -> assertEquals(nodes.get(5).nodeId(), copy.target().nodeId()));
            if (plan.copies().isEmpty()) {
                assertEquals(Verdict.LIMITED, plan.verdict());
            }
        }
        assertEquals(2, copies, "one was in flight already, three at most");
    }

    @Test
    void copiesFromOneSourceStayWithinTheRoundsLimit() {
        Round round = new Round(2, Map.of());
        int copies = 0;
        for (int i = 0; i < 10; i++) {
            Chunk chunk = new Chunk(String.format("%064x", i + 1), 10, 2,
                    List.of(replica(nodes.get(0), "UP", "CONFIRMED")));
            Plan plan = RepairPlanner.plan(chunk, nodes, round);
            round.take(plan);
            copies += plan.copies().size();
            plan.copies().forEach(copy -> assertEquals(nodes.get(0).nodeId(), copy.source().nodeId()));
        }
        assertEquals(2, copies, "the only source serves two copies a round");
    }
}
