package io.p2pfs.client.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PlacementTests {

    private static Placement.Candidate node(String zone, long free) {
        return new Placement.Candidate(UUID.randomUUID(), "https://" + zone + ".test", zone, free);
    }

    private static String chunk(int i) {
        return String.format("%064x", i * 2654435761L);
    }

    @Test
    void theFirstReplicasGoToDistinctZones() {
        List<Placement.Candidate> nodes = List.of(node("z1", 100), node("z1", 100), node("z2", 100), node("z2", 100),
                node("z3", 100));
        for (int i = 0; i < 200; i++) {
            List<Placement.Candidate> ranked = Placement.rank(chunk(i), nodes);
            assertEquals(5, ranked.size());
            assertEquals(3, new HashSet<>(ranked.subList(0, 3).stream().map(Placement.Candidate::zone).toList()).size());
        }
    }

    @Test
    void rankingIsStableAndRemovingANodeOnlyMovesItsOwnChunks() {
        List<Placement.Candidate> nodes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            nodes.add(node("z" + i, 1000));
        }
        Placement.Candidate removed = nodes.get(2);
        List<Placement.Candidate> fewer = new ArrayList<>(nodes);
        fewer.remove(removed);
        int moved = 0;
        for (int i = 0; i < 500; i++) {
            Placement.Candidate before = Placement.rank(chunk(i), nodes).get(0);
            assertEquals(before, Placement.rank(chunk(i), new ArrayList<>(nodes)).get(0));
            Placement.Candidate after = Placement.rank(chunk(i), fewer).get(0);
            if (!before.equals(after)) {
                moved++;
                assertEquals(removed, before, "only chunks that ranked the removed node first move");
            }
        }
        assertTrue(moved > 0);
    }

    @Test
    void freeCapacityWeighsTheChoice() {
        Placement.Candidate big = node("a", 9000);
        Placement.Candidate small = node("b", 1000);
        Map<Placement.Candidate, Integer> firsts = new HashMap<>();
        for (int i = 0; i < 2000; i++) {
            firsts.merge(Placement.rank(chunk(i), List.of(big, small)).get(0), 1, Integer::sum);
        }
        assertTrue(firsts.get(big) > 3 * firsts.getOrDefault(small, 0), "big node first far more often: " + firsts);
    }

    @Test
    void fullNodesAreNeverChosen() {
        Placement.Candidate full = node("z1", 0);
        assertEquals(List.of(), Placement.rank(chunk(1), List.of(full)));
    }
}
