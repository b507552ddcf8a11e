package io.p2pfs.common.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * The right edge of a growing Merkle tree: for a tree of {@code size} leaves, the hashes of
 * the perfect subtrees {@link Merkle#decompose decompose(0, size)} names, largest first (one per
 * set bit of {@code size}). Appending a leaf merges equal-sized subtrees like a binary carry, and
 * each merge is a newly complete interior node, reported to the caller so it can be stored.
 */
public final class CompactRange {

    /** Receives each interior node that an append completes. */
    @FunctionalInterface
    public interface NodeSink {
        void completed(Merkle.Node node, byte[] hash);
    }

    private long size;
    private final List<byte[]> hashes;

    public CompactRange() {
        this(0, new ArrayList<>());
    }

    private CompactRange(long size, List<byte[]> hashes) {
        this.size = size;
        this.hashes = hashes;
    }

    /** A range rebuilt from stored subtree hashes, in the order {@link #edge(long)} names them. */
    public static CompactRange of(long size, List<byte[]> edgeHashes) {
        if (Long.bitCount(size) != edgeHashes.size()) {
            throw new IllegalArgumentException("a tree of " + size + " leaves has " + Long.bitCount(size)
                    + " edge subtrees, not " + edgeHashes.size());
        }
        return new CompactRange(size, new ArrayList<>(edgeHashes));
    }

    /** The subtrees on the right edge of a tree of {@code size} leaves, largest first. */
    public static List<Merkle.Node> edge(long size) {
        return Merkle.decompose(0, size);
    }

    public long size() {
        return size;
    }

    /** Appends one leaf hash; {@code sink} (may be null) hears of every node completed. */
    public void append(byte[] leafHash, NodeSink sink) {
        byte[] hash = leafHash;
        int level = 0;
        long index = size;
        while (((size >>> level) & 1) == 1) {
            hash = Merkle.nodeHash(hashes.remove(hashes.size() - 1), hash);
            level++;
            index >>>= 1;
            if (sink != null) {
                sink.completed(new Merkle.Node(level, index), hash);
            }
        }
        hashes.add(hash);
        size++;
    }

    /** The tree's root hash ({@link Merkle#EMPTY_ROOT} when empty). */
    public byte[] root() {
        return Merkle.fold(hashes);
    }
}
