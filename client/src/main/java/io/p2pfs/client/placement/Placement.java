package io.p2pfs.client.placement;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Where a chunk's replicas go: weighted rendezvous hashing (HRW) of the chunk id
 * over live nodes, weight = free capacity, preferring distinct zones. Every metadata replica
 * computes the same ranking from the same node list, without coordination, and adding or
 * removing a node moves only the chunks that rank it first.
 */
public final class Placement {

    private Placement() {
    }

    /** A node as placement sees it. */
    public record Candidate(UUID nodeId, String url, String zone, long freeBytes) {
    }

    /**
     * All candidates in preference order: first the best node of each zone (zones ordered by
     * their best score), then the rest by score. Callers take the first R and fall back to the
     * next ones when a write fails.
     */
    public static List<Candidate> rank(String chunkId, List<Candidate> nodes) {
        List<Scored> scored = new ArrayList<>();
        for (Candidate node : nodes) {
            if (node.freeBytes() > 0) {
                scored.add(new Scored(node, score(chunkId, node)));
            }
        }
        scored.sort(Comparator.comparingDouble(Scored::score).reversed()
                .thenComparing(s -> s.node().nodeId()));
        List<Candidate> ranked = new ArrayList<>(scored.size());
        Set<String> zones = new HashSet<>();
        for (Scored s : scored) {
            if (zones.add(s.node().zone())) {
                ranked.add(s.node());
            }
        }
        for (Scored s : scored) {
            if (!ranked.contains(s.node())) {
                ranked.add(s.node());
            }
        }
        return ranked;
    }

    /** Weighted rendezvous score: {@code -w / ln(u)} with {@code u} uniform in (0,1) from the hash. */
    static double score(String chunkId, Candidate node) {
        byte[] digest = sha256(chunkId + "|" + node.nodeId());
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | (digest[i] & 0xff);
        }
        double u = ((bits >>> 11) + 0.5) / (double) (1L << 53);
        return -((double) node.freeBytes()) / Math.log(u);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Scored(Candidate node, double score) {
    }
}
