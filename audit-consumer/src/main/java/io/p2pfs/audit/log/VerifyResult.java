package io.p2pfs.audit.log;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.p2pfs.common.audit.TreeHead;

/**
 * The answer of a full verification. {@code ok} when every entry re-derives to what is stored,
 * the recomputed tree equals the stored one, every signed head known (database and heads
 * directory) is a prefix of it, and the stored state is sealed and covers every row.
 * Otherwise {@code problem} names the first defect found, {@code firstBrokenSeq} the entry when
 * it can be named, and {@code detail} says what was found:
 * {@code missing} (a seq gap: a deleted row), {@code canonical} (the stored event is no longer
 * valid), {@code column:<name>} (an indexed column no longer matches the event), {@code leaf}
 * (the event no longer hashes to its stored leaf hash), {@code node} (a stored tree node differs
 * from the recomputed one), {@code head} (the first entries no longer hash to a signed root),
 * {@code truncated} (a head covers more entries than the log holds), {@code head-signature} (a
 * head not signed by this log), {@code state} (the tree state is not sealed by this log or its
 * root differs), {@code out-of-band} (rows beyond the tree).
 *
 * @param verifiedHead the largest signed head the log was checked against and found to extend
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VerifyResult(boolean ok, long checked, long treeSize, String rootHash, int headsChecked,
        TreeHead verifiedHead, Long firstBrokenSeq, String problem, String detail) {

    static VerifyResult broken(long checked, long treeSize, int headsChecked, Long seq, String problem, String detail) {
        return new VerifyResult(false, checked, treeSize, null, headsChecked, null, seq, problem, detail);
    }
}
