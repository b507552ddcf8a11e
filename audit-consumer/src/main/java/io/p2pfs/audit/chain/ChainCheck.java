package io.p2pfs.audit.chain;

import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Walks stored rows in seq order and finds the first break. Pure logic: the caller feeds rows.
 *
 * <p>A row is intact when its seq is the one expected (else the expected seq is missing: a
 * deleted row), its prev_hash is the previous row's hash (genesis for seq 1), its hash is
 * {@code SHA-256(prev_hash || canonical)}, and every derived column equals its derivation from
 * canonical. Limitation: deleting the newest rows leaves an intact, shorter chain; compare the
 * head with an externally kept copy (e.g. {@code GET /audit/verify} results) to catch that.
 */
public final class ChainCheck {

    /** One row as stored. */
    public record StoredRow(long seq, Map<String, Object> columns, String canonical, byte[] prevHash, byte[] hash) {
    }

    /** The first break found. */
    public record Break(long seq, String problem) {
    }

    private long expectedSeq;
    private byte[] previousHash;
    private long checked;

    /**
     * @param fromSeq    the first seq of the range
     * @param anchorHash the hash of row {@code fromSeq - 1}, or null when unknown (then the
     *                   first row's prev_hash is taken as given); ignored for seq 1 (genesis)
     */
    public ChainCheck(long fromSeq, byte[] anchorHash) {
        this.expectedSeq = fromSeq;
        this.previousHash = fromSeq == 1 ? HashChain.GENESIS : anchorHash;
    }

    public long checked() {
        return checked;
    }

    public Optional<Break> next(StoredRow row) {
        if (row.seq() != expectedSeq) {
            return Optional.of(new Break(expectedSeq, "missing"));
        }
        checked++;
        if (previousHash != null && !Arrays.equals(previousHash, row.prevHash())) {
            return Optional.of(new Break(row.seq(), "link"));
        }
        if (!Arrays.equals(HashChain.link(row.prevHash(), row.canonical()), row.hash())) {
            return Optional.of(new Break(row.seq(), "hash"));
        }
        Map<String, Object> derived;
        try {
            derived = AuditEntry.fromCanonical(row.canonical()).columns();
        } catch (AuditEntry.Malformed e) {
            return Optional.of(new Break(row.seq(), "canonical"));
        }
        for (Map.Entry<String, Object> column : derived.entrySet()) {
            if (!same(column.getValue(), row.columns().get(column.getKey()))) {
                return Optional.of(new Break(row.seq(), "column:" + column.getKey()));
            }
        }
        previousHash = row.hash();
        expectedSeq++;
        return Optional.empty();
    }

    private static boolean same(Object derived, Object stored) {
        if (derived instanceof Instant instant && stored instanceof Instant other) {
            return instant.equals(other);
        }
        return Objects.equals(derived, stored);
    }
}
