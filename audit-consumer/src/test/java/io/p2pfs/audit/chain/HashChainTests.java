package io.p2pfs.audit.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The canonical form and the chain check, without a database. */
class HashChainTests {

    private static final String EVENT = "{\"type\":\"file.uploaded\",\"id\":\"e%d\",\"specversion\":\"1.0\","
            + "\"p2pfsschemaversion\":1,\"time\":\"2026-01-01T00:00:00Z\","
            + "\"data\":{\"resource\":\"/d/f\",\"actor\":\"ann\",\"details\":{\"size\":1.50,\"b\":[2,1]}}}";

    @Test
    void canonicalFormSortsMembersKeepsNumbersAndArrayOrder() throws Exception {
        String canonical = CanonicalJson.of(CanonicalJson.parse("{ \"b\" : [2, 1], \"a\" : {\"z\":1.50,\"y\":null} }"));
        assertEquals("{\"a\":{\"y\":null,\"z\":1.50},\"b\":[2,1]}", canonical);
    }

    @Test
    void theSameEventWrittenInAnotherMemberOrderDerivesTheSameRow() throws Exception {
        String forward = String.format(EVENT, 1);
        String reordered = forward.replace("\"size\":1.50,\"b\":[2,1]", "\"b\":[2,1],\"size\":1.50");
        assertEquals(AuditEntry.fromRecord(forward.getBytes()), AuditEntry.fromRecord(reordered.getBytes()));
    }

    @Test
    void duplicateMemberNamesAreRefused() {
        assertThrows(AuditEntry.Malformed.class, () -> AuditEntry.fromCanonical("{\"id\":\"a\",\"id\":\"b\"}"));
    }

    @Test
    void intactChainPassesAndEachKindOfDamageIsNamed() throws Exception {
        List<ChainCheck.StoredRow> rows = chain(5);
        assertEquals(Optional.empty(), check(rows));

        List<ChainCheck.StoredRow> altered = new ArrayList<>(rows);
        ChainCheck.StoredRow third = rows.get(2);
        altered.set(2, new ChainCheck.StoredRow(3, third.columns(), third.canonical().replace("ann", "eve"),
                third.prevHash(), third.hash()));
        assertEquals(new ChainCheck.Break(3, "hash"), check(altered).orElseThrow());

        List<ChainCheck.StoredRow> gap = new ArrayList<>(rows);
        gap.remove(1);
        assertEquals(new ChainCheck.Break(2, "missing"), check(gap).orElseThrow());
    }

    private static Optional<ChainCheck.Break> check(List<ChainCheck.StoredRow> rows) {
        ChainCheck check = new ChainCheck(1, null);
        for (ChainCheck.StoredRow row : rows) {
            Optional<ChainCheck.Break> broken = check.next(row);
            if (broken.isPresent()) {
                return broken;
            }
        }
        return Optional.empty();
    }

    private static List<ChainCheck.StoredRow> chain(int length) throws Exception {
        List<ChainCheck.StoredRow> rows = new ArrayList<>();
        byte[] prev = HashChain.GENESIS;
        for (int seq = 1; seq <= length; seq++) {
            AuditEntry entry = AuditEntry.fromRecord(String.format(EVENT, seq).getBytes());
            byte[] hash = HashChain.link(prev, entry.canonical());
            rows.add(new ChainCheck.StoredRow(seq, entry.columns(), entry.canonical(), prev, hash));
            prev = hash;
        }
        return rows;
    }
}
