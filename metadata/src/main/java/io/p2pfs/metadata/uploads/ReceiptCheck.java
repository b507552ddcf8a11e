package io.p2pfs.metadata.uploads;

import io.p2pfs.common.chunks.StorageReceipts;
import io.p2pfs.common.problem.ProblemException;
import io.p2pfs.common.problem.Unprocessable;
import io.p2pfs.metadata.nodes.NodeKeys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The storage receipts of a commit, checked: every receipt must be signed by the key its node
 * registered, name a chunk this commit writes, state that chunk's size, and be issued during the
 * session; and every new chunk needs receipts from {@code writeQuorum} distinct nodes. A receipt
 * proves that its node had the chunk on disk when it answered, so a node that went down since
 * still counts towards the quorum (its copy is durable); the commit then only needs one of them
 * live, and asks for enough new replicas to bring the live ones to the replication factor. A
 * single bad receipt refuses the whole commit (422 naming the chunk and the node), so nothing is
 * committed on a forged or replayed proof. Pure: signature checks are CPU work, run it off the
 * event loop.
 */
final class ReceiptCheck {

    private ReceiptCheck() {
    }

    /** A receipt and what it claims, before its signature is checked. */
    record Claimed(String compact, StorageReceipts.Receipt claims, UUID nodeId) {
    }

    /** Reads what each receipt claims; 422 for one that is not a receipt at all. */
    static List<Claimed> parse(List<String> receipts) {
        List<Claimed> claimed = new ArrayList<>();
        for (String receipt : receipts == null ? List.<String>of() : receipts) {
            StorageReceipts.Receipt claims;
            try {
                claims = StorageReceipts.claims(receipt);
            } catch (StorageReceipts.InvalidReceipt e) {
                throw new Unprocessable("A receipt is not a storage receipt (" + e.getMessage() + "); nothing was "
                        + "committed.").with("reason", "malformed");
            }
            UUID nodeId;
            try {
                nodeId = UUID.fromString(claims.nodeId());
            } catch (IllegalArgumentException e) {
                throw refuse(claims.chunkId(), claims.nodeId(), "unknown-node",
                        "the receipt names no node of this system");
            }
            claimed.add(new Claimed(receipt, claims, nodeId));
        }
        return claimed;
    }

    /**
     * The distinct nodes holding each new chunk, by verified receipt.
     *
     * @param newChunks the chunks this commit writes, in manifest order, with their ciphertext sizes
     */
    static Map<String, List<UUID>> verify(List<Claimed> claimed, Map<String, Integer> newChunks,
            Map<UUID, NodeKeys.KnownNode> nodes, int writeQuorum, Instant notBefore, Instant notAfter) {
        Map<String, Set<UUID>> holders = new LinkedHashMap<>();
        newChunks.keySet().forEach(chunk -> holders.put(chunk, new LinkedHashSet<>()));
        for (Claimed receipt : claimed) {
            String chunk = receipt.claims().chunkId();
            Integer size = newChunks.get(chunk);
            if (size == null) {
                throw refuse(chunk, receipt.claims().nodeId(), "not-in-commit",
                        "the receipt is for a chunk this commit does not write");
            }
            NodeKeys.KnownNode node = nodes.get(receipt.nodeId());
            if (node == null || node.key() == null) {
                throw refuse(chunk, receipt.claims().nodeId(), "unknown-node",
                        "the receipt names a node without a registered key");
            }
            try {
                StorageReceipts.verifySignature(receipt.compact(), node.key());
            } catch (StorageReceipts.InvalidReceipt e) {
                throw refuse(chunk, receipt.claims().nodeId(), "forged",
                        "the receipt does not verify with the key that node registered");
            }
            if (receipt.claims().size() != size) {
                throw refuse(chunk, receipt.claims().nodeId(), "wrong-size", "the receipt states "
                        + receipt.claims().size() + " bytes, the chunk has " + size);
            }
            Instant issued = Instant.ofEpochSecond(receipt.claims().issuedAt());
            if (issued.isBefore(notBefore) || issued.isAfter(notAfter)) {
                throw refuse(chunk, receipt.claims().nodeId(), "stale", "the receipt was not issued during this "
                        + "upload session");
            }
            holders.get(chunk).add(receipt.nodeId());
        }
        Map<String, List<UUID>> verified = new LinkedHashMap<>();
        for (Map.Entry<String, Set<UUID>> chunk : holders.entrySet()) {
            if (chunk.getValue().size() < writeQuorum) {
                throw (ProblemException) new Unprocessable("Chunk " + chunk.getKey() + " has valid receipts from "
                        + chunk.getValue().size() + " distinct node(s); " + writeQuorum + " are needed. Nothing was "
                        + "committed.").with("chunkId", chunk.getKey()).with("reason", "missing-receipts")
                        .with("receipts", chunk.getValue().size()).with("writeQuorum", writeQuorum);
            }
            verified.put(chunk.getKey(), List.copyOf(chunk.getValue()));
        }
        return verified;
    }

    private static ProblemException refuse(String chunk, String node, String reason, String why) {
        return new Unprocessable("Chunk " + chunk + ": " + why + " (node " + node + "). Nothing was committed.")
                .with("chunkId", chunk).with("nodeId", node).with("reason", reason);
    }
}
