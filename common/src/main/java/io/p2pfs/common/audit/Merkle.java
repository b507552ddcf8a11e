package io.p2pfs.common.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * The Merkle tree of the audit log, hashed as RFC 6962 / RFC 9162 define it (the hashing of
 * Certificate Transparency): a leaf is {@code SHA-256(0x00 || entry)}, an interior node
 * {@code SHA-256(0x01 || left || right)}, the tree of {@code n > 1} entries splits at the largest
 * power of two below {@code n}, and the empty tree's hash is {@code SHA-256("")}. An entry is the
 * UTF-8 text of one event's {@link CanonicalJson canonical form}; leaf {@code i} is the event of
 * seq {@code i + 1}.
 *
 * <p>Positions: {@link Node} names a perfect subtree ({@code 2^level} leaves starting at
 * {@code index << level}); every range a proof needs is cut into such subtrees by
 * {@link #decompose}, so a store of perfect subtree hashes answers any proof in O(log n) reads.
 */
public final class Merkle {

    public static final int HASH_BYTES = 32;
    /** The hash of the empty tree. */
    public static final byte[] EMPTY_ROOT = sha256().digest();

    private Merkle() {
    }

    /** A perfect subtree: leaves {@code [index << level, (index + 1) << level)}. */
    public record Node(int level, long index) {
        public long from() {
            return index << level;
        }

        public long to() {
            return (index + 1) << level;
        }
    }

    /** Leaves {@code [from, to)}. */
    public record Range(long from, long to) {
    }

    public static byte[] leafHash(byte[] entry) {
        MessageDigest sha256 = sha256();
        sha256.update((byte) 0);
        sha256.update(entry);
        return sha256.digest();
    }

    public static byte[] leafHash(String canonical) {
        return leafHash(canonical.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest sha256 = sha256();
        sha256.update((byte) 1);
        sha256.update(left);
        sha256.update(right);
        return sha256.digest();
    }

    /** RFC 6962's split point of a tree of {@code n >= 2} leaves: the largest power of two below n. */
    public static long split(long n) {
        return Long.highestOneBit(n - 1);
    }

    /** The perfect subtrees that make up leaves {@code [from, to)}, left to right. */
    public static List<Node> decompose(long from, long to) {
        List<Node> nodes = new ArrayList<>();
        long at = from;
        while (at < to) {
            int level = 63 - Long.numberOfLeadingZeros(to - at);
            if (at != 0) {
                level = Math.min(level, Long.numberOfTrailingZeros(at));
            }
            nodes.add(new Node(level, at >> level));
            at += 1L << level;
        }
        return nodes;
    }

    /**
     * The hash of a range from the hashes of its {@link #decompose decomposition} (left to right),
     * for the ranges RFC 6962's recursion produces (a subtree's left part, or its right part).
     */
    public static byte[] fold(List<byte[]> subtreeHashes) {
        if (subtreeHashes.isEmpty()) {
            return EMPTY_ROOT.clone();
        }
        byte[] hash = subtreeHashes.get(subtreeHashes.size() - 1);
        for (int i = subtreeHashes.size() - 2; i >= 0; i--) {
            hash = nodeHash(subtreeHashes.get(i), hash);
        }
        return hash;
    }

    /**
     * The ranges whose hashes form the inclusion proof of leaf {@code index} in the tree of
     * {@code size} leaves (RFC 9162 PATH), in proof order: the sibling nearest the leaf first.
     */
    public static List<Range> inclusionPath(long index, long size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of " + size);
        }
        List<Range> siblings = new ArrayList<>();
        long from = 0;
        long to = size;
        while (to - from > 1) {
            long k = split(to - from);
            if (index - from < k) {
                siblings.add(new Range(from + k, to));
                to = from + k;
            } else {
                siblings.add(new Range(from, from + k));
                from += k;
            }
        }
        Collections.reverse(siblings);
        return siblings;
    }

    /**
     * The ranges whose hashes form the consistency proof between the trees of {@code first}
     * and {@code second} leaves (RFC 9162 SUBPROOF with b = true), in proof order. Empty when
     * {@code first == second}.
     */
    public static List<Range> consistencyPath(long first, long second) {
        if (first < 1 || first > second) {
            throw new IllegalArgumentException("no consistency proof from " + first + " to " + second);
        }
        List<Range> collected = new ArrayList<>();
        long from = 0;
        long to = second;
        long m = first;
        boolean whole = true;
        while (true) {
            if (m == to - from) {
                if (!whole) {
                    collected.add(new Range(from, to));
                }
                break;
            }
            long k = split(to - from);
            if (m <= k) {
                collected.add(new Range(from + k, to));
                to = from + k;
            } else {
                collected.add(new Range(from, from + k));
                m -= k;
                from += k;
                whole = false;
            }
        }
        Collections.reverse(collected);
        return collected;
    }

    /** The root of a whole list of leaf hashes, computed directly (reference and offline use). */
    public static byte[] root(List<byte[]> leafHashes) {
        CompactRange range = new CompactRange();
        leafHashes.forEach(leaf -> range.append(leaf, null));
        return range.root();
    }

    public static String hex(byte[] hash) {
        return HexFormat.of().formatHex(hash);
    }

    /** Parses 64 hex digits; throws {@link IllegalArgumentException} otherwise. */
    public static byte[] unhex(String hex) {
        byte[] hash = HexFormat.of().parseHex(hex);
        if (hash.length != HASH_BYTES) {
            throw new IllegalArgumentException("a hash is " + HASH_BYTES + " bytes");
        }
        return hash;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
