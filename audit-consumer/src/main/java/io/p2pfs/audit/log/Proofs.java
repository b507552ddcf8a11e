package io.p2pfs.audit.log;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.p2pfs.common.audit.TreeHead;
import java.util.List;

/** The proof bodies the API answers with; hashes in lower-case hex, in RFC 9162 order. */
public final class Proofs {

    private Proofs() {
    }

    /**
     * That the event of {@code seq} (leaf {@code leafIndex = seq - 1}) is in the tree of
     * {@code treeSize} entries; {@code treeHead} is the signed head of that size when one was signed.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Inclusion(String eventId, long seq, long leafIndex, long treeSize, String leafHash,
            List<String> hashes, @JsonRawValue String event, TreeHead treeHead) {
    }

    /** That the tree of {@code from} entries is a prefix of the tree of {@code to}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Consistency(long from, long to, List<String> hashes, TreeHead fromHead, TreeHead toHead) {
    }

    /** A key heads may be signed with. */
    public record SigningKey(String keyId, String algorithm, String publicKey, boolean current) {
    }
}
