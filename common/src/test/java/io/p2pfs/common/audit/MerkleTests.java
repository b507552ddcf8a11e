package io.p2pfs.common.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The hashing and proofs against the RFC 6962 reference data that Certificate Transparency
 * implementations test with (the eight leaves, the root of every size, and their published
 * inclusion and consistency proofs).
 */
class MerkleTests {

    static final List<byte[]> LEAF_INPUTS = Stream.of("", "00", "10", "2021", "3031", "40414243",
            "5051525354555657", "606162636465666768696a6b6c6d6e6f").map(MerkleTests::unhex).toList();
    static final List<String> ROOTS = List.of(
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

    private static List<byte[]> leaves() {
        return LEAF_INPUTS.stream().map(Merkle::leafHash).toList();
    }

    @Test
    void rootsOfEverySizeMatchTheReference() {
        List<byte[]> leaves = leaves();
        for (int size = 0; size <= leaves.size(); size++) {
            assertEquals(ROOTS.get(size), Merkle.hex(Merkle.root(leaves.subList(0, size))), "size " + size);
        }
    }

    @Test
    void compactRangeEmitsTheReferenceInteriorNodes() {
        List<String> emitted = new ArrayList<>();
        CompactRange range = new CompactRange();
        leaves().forEach(leaf -> range.append(leaf, (node, hash) -> emitted.add(node.level() + "/" + node.index()
                + "=" + Merkle.hex(hash))));
        assertEquals(List.of(
                "1/0=fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                "1/1=5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "2/0=d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                "1/2=0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "1/3=ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "2/1=6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                "3/0=5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"), emitted);
    }

    @Test
    void inclusionProofsMatchTheReference() {
        assertProof(inclusion(0, 8), "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
        assertProof(inclusion(5, 8), "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
        assertProof(inclusion(2, 3), "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125");
        assertProof(inclusion(1, 5), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b");
        assertProof(inclusion(0, 1));
        for (int[] c : new int[][] {{0, 8}, {5, 8}, {2, 3}, {1, 5}, {0, 1}}) {
            assertTrue(MerkleProofs.verifyInclusion(c[0], c[1], leaves().get(c[0]), inclusion(c[0], c[1]),
                    unhex(ROOTS.get(c[1]))), c[0] + " in " + c[1]);
        }
    }

    @Test
    void consistencyProofsMatchTheReference() {
        assertProof(consistency(1, 8), "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
        assertProof(consistency(6, 8), "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
        assertProof(consistency(2, 5), "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b");
        assertProof(consistency(6, 7), "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
        assertProof(consistency(1, 1));
        for (int[] c : new int[][] {{1, 8}, {6, 8}, {2, 5}, {6, 7}, {1, 1}}) {
            assertTrue(MerkleProofs.verifyConsistency(c[0], c[1], unhex(ROOTS.get(c[0])), unhex(ROOTS.get(c[1])),
                    consistency(c[0], c[1])), c[0] + " to " + c[1]);
        }
    }

    @Test
    void theEdgeCasesOfTheVerifiersAreTheReferenceOnes() {
        byte[] some = unhex("abacaba000000000000000000000000000000000000000000060061e00123456");
        byte[] empty = Merkle.EMPTY_ROOT;
        assertTrue(MerkleProofs.verifyConsistency(0, 0, empty, empty, List.of()));
        assertTrue(MerkleProofs.verifyConsistency(0, 1, empty, some, List.of()));
        assertFalse(MerkleProofs.verifyConsistency(1, 0, some, some, List.of()), "time travel");
        assertFalse(MerkleProofs.verifyConsistency(1, 2, some, empty, List.of()), "empty proof");
        assertFalse(MerkleProofs.verifyConsistency(1, 1, empty, some, List.of()), "roots differ");
        assertFalse(MerkleProofs.verifyConsistency(0, 1, empty, empty, List.of(empty)), "proof not empty");
        assertFalse(MerkleProofs.verifyInclusion(0, 0, some, List.of(), empty));
        assertFalse(MerkleProofs.verifyInclusion(1, 1, some, List.of(), some));
        assertTrue(MerkleProofs.verifyInclusion(0, 1, some, List.of(), some));
        assertFalse(MerkleProofs.verifyInclusion(0, 1, new byte[0], List.of(), new byte[0]), "wrong hash size");
    }

    @Test
    void decompositionCutsRangesIntoAlignedPerfectSubtrees() {
        assertEquals(List.of(new Merkle.Node(2, 0), new Merkle.Node(1, 2), new Merkle.Node(0, 6)),
                Merkle.decompose(0, 7));
        assertEquals(List.of(new Merkle.Node(0, 3), new Merkle.Node(2, 1), new Merkle.Node(0, 8)),
                Merkle.decompose(3, 9));
        assertEquals(List.of(), Merkle.decompose(5, 5));
    }

    /** A proof built from the leaves directly, through the ranges the store would be asked for. */
    static List<byte[]> inclusion(long index, long size) {
        return hashesOf(leaves(), Merkle.inclusionPath(index, size));
    }

    static List<byte[]> consistency(long first, long second) {
        return hashesOf(leaves(), Merkle.consistencyPath(first, second));
    }

    static List<byte[]> hashesOf(List<byte[]> leaves, List<Merkle.Range> ranges) {
        List<byte[]> hashes = new ArrayList<>();
        for (Merkle.Range range : ranges) {
            List<byte[]> parts = new ArrayList<>();
            for (Merkle.Node node : Merkle.decompose(range.from(), range.to())) {
                parts.add(Merkle.root(leaves.subList((int) node.from(), (int) node.to())));
            }
            hashes.add(Merkle.fold(parts));
        }
        return hashes;
    }

    private static void assertProof(List<byte[]> proof, String... expected) {
        assertEquals(List.of(expected), proof.stream().map(Merkle::hex).toList());
    }

    static byte[] unhex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    @Test
    void rootOfASingleLeafIsTheLeafHash() {
        byte[] leaf = Merkle.leafHash("{}");
        assertArrayEquals(leaf, Merkle.root(List.of(leaf)));
    }
}
