package io.p2pfs.common.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Proofs for many tree sizes, checked against a tree computed by RFC 6962's recursive
 * definition: every honest proof verifies, and any tampering (a flipped bit in any hash, a
 * dropped or an added hash, a wrong index, size or root) fails.
 */
class MerkleProperties {

    record Case(int size, int index, int first, int bit) {
    }

    @Provide
    Arbitrary<Case> cases() {
        return Arbitraries.integers().between(1, 300).flatMap(size -> Combinators.combine(
                Arbitraries.integers().between(0, size - 1), Arbitraries.integers().between(1, size),
                Arbitraries.integers().between(0, 255)).as((index, first, bit) -> new Case(size, index, first, bit)));
    }

    @Property(tries = 400)
    void inclusionProofsVerifyAndTamperingFails(@ForAll("cases") Case c) {
        List<byte[]> leaves = leaves(c.size());
        byte[] root = recursiveRoot(leaves, 0, leaves.size());
        assertArrayEquals(root, Merkle.root(leaves), "the compact range computes the RFC 6962 root");
        List<byte[]> proof = MerkleTests.hashesOf(leaves, Merkle.inclusionPath(c.index(), c.size()));
        byte[] leaf = leaves.get(c.index());
        assertTrue(MerkleProofs.verifyInclusion(c.index(), c.size(), leaf, proof, root));

        assertFalse(MerkleProofs.verifyInclusion(c.index(), c.size(), flip(leaf, c.bit()), proof, root));
        assertFalse(MerkleProofs.verifyInclusion(c.index(), c.size(), leaf, proof, flip(root, c.bit())));
        if (!proof.isEmpty()) {
            int at = c.bit() % proof.size();
            List<byte[]> tampered = new ArrayList<>(proof);
            tampered.set(at, flip(proof.get(at), c.bit()));
            assertFalse(MerkleProofs.verifyInclusion(c.index(), c.size(), leaf, tampered, root), "flipped hash");
            assertFalse(MerkleProofs.verifyInclusion(c.index(), c.size(), leaf, proof.subList(0, proof.size() - 1),
                    root), "dropped hash");
        }
        List<byte[]> longer = new ArrayList<>(proof);
        longer.add(root);
        assertFalse(MerkleProofs.verifyInclusion(c.index(), c.size(), leaf, longer, root), "added hash");
        if (c.size() > 1) {
            int other = (c.index() + 1 + c.bit() % (c.size() - 1)) % c.size();
            assertFalse(MerkleProofs.verifyInclusion(other, c.size(), leaf, proof, root), "wrong index");
        }
        assertFalse(MerkleProofs.verifyInclusion(c.index(), c.size() * 2, leaf, proof, root), "size doubled");
        if (c.index() < c.size() / 2) {
            assertFalse(MerkleProofs.verifyInclusion(c.index(), c.size() / 2, leaf, proof, root), "size halved");
        }
    }

    @Property(tries = 400)
    void consistencyProofsVerifyAndTamperingFails(@ForAll("cases") Case c) {
        List<byte[]> leaves = leaves(c.size());
        byte[] first = recursiveRoot(leaves, 0, c.first());
        byte[] second = recursiveRoot(leaves, 0, c.size());
        List<byte[]> proof = MerkleTests.hashesOf(leaves, Merkle.consistencyPath(c.first(), c.size()));
        assertTrue(MerkleProofs.verifyConsistency(c.first(), c.size(), first, second, proof));

        assertFalse(MerkleProofs.verifyConsistency(c.first(), c.size(), flip(first, c.bit()), second, proof));
        assertFalse(MerkleProofs.verifyConsistency(c.first(), c.size(), first, flip(second, c.bit()), proof));
        if (!proof.isEmpty()) {
            int at = c.bit() % proof.size();
            List<byte[]> tampered = new ArrayList<>(proof);
            tampered.set(at, flip(proof.get(at), c.bit()));
            assertFalse(MerkleProofs.verifyConsistency(c.first(), c.size(), first, second, tampered), "flipped");
            assertFalse(MerkleProofs.verifyConsistency(c.first(), c.size(), first, second,
                    proof.subList(0, proof.size() - 1)), "dropped hash");
        }
        // a log whose history differs anywhere before `first` is not consistent with the first head
        List<byte[]> rewritten = new ArrayList<>(leaves);
        int changed = c.bit() % c.first();
        rewritten.set(changed, Merkle.leafHash(("rewritten " + changed).getBytes(StandardCharsets.UTF_8)));
        byte[] rewrittenRoot = recursiveRoot(rewritten, 0, c.size());
        List<byte[]> rewrittenProof = MerkleTests.hashesOf(rewritten, Merkle.consistencyPath(c.first(), c.size()));
        assertFalse(MerkleProofs.verifyConsistency(c.first(), c.size(), first, rewrittenRoot, rewrittenProof),
                "history rewritten at leaf " + changed);
    }

    private static List<byte[]> leaves(int size) {
        List<byte[]> leaves = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            leaves.add(Merkle.leafHash(("{\"seq\":" + (i + 1) + "}").getBytes(StandardCharsets.UTF_8)));
        }
        return leaves;
    }

    /** RFC 6962's MTH, literally. */
    private static byte[] recursiveRoot(List<byte[]> leaves, int from, int to) {
        int n = to - from;
        if (n == 0) {
            return Merkle.EMPTY_ROOT;
        }
        if (n == 1) {
            return leaves.get(from);
        }
        int k = Integer.highestOneBit(n - 1);
        return Merkle.nodeHash(recursiveRoot(leaves, from, from + k), recursiveRoot(leaves, from + k, to));
    }

    private static byte[] flip(byte[] hash, int bit) {
        byte[] copy = hash.clone();
        copy[(bit / 8) % copy.length] ^= (byte) (1 << (bit % 8));
        return copy;
    }
}
