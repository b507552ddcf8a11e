package io.p2pfs.audit.entry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.p2pfs.common.audit.CanonicalJson;
import io.p2pfs.common.audit.Merkle;
import org.junit.jupiter.api.Test;

/** The canonical form and what is derived from it, without a database. */
class AuditEntryTests {

    private static final String EVENT = "{\"type\":\"file.uploaded\",\"id\":\"e%d\",\"specversion\":\"1.0\","
            + "\"p2pfsschemaversion\":1,\"time\":\"2026-01-01T00:00:00Z\","
            + "\"data\":{\"resource\":\"/d/f\",\"actor\":\"ann\",\"details\":{\"size\":1.50,\"b\":[2,1]}}}";

    @Test
    void canonicalFormSortsMembersKeepsNumbersAndArrayOrder() throws Exception {
        String canonical = CanonicalJson.of(CanonicalJson.parse("{ \"b\" : [2, 1], \"a\" : {\"z\":1.50,\"y\":null} }"));
        assertEquals("{\"a\":{\"y\":null,\"z\":1.50},\"b\":[2,1]}", canonical);
    }

    @Test
    void theSameEventWrittenInAnotherMemberOrderDerivesTheSameRowAndLeaf() throws Exception {
        String forward = String.format(EVENT, 1);
        String reordered = forward.replace("\"size\":1.50,\"b\":[2,1]", "\"b\":[2,1],\"size\":1.50");
        AuditEntry one = AuditEntry.fromRecord(forward.getBytes());
        AuditEntry other = AuditEntry.fromRecord(reordered.getBytes());
        assertEquals(one, other);
        assertArrayEquals(one.leafHash(), other.leafHash());
    }

    @Test
    void theLeafHashIsTheRfc6962LeafOfTheCanonicalText() throws Exception {
        AuditEntry entry = AuditEntry.fromRecord(String.format(EVENT, 2).getBytes());
        assertArrayEquals(Merkle.leafHash(entry.canonical()), entry.leafHash());
        assertEquals("{\"data\":{\"actor\":\"ann\",\"details\":{\"b\":[2,1],\"size\":1.50},\"resource\":\"/d/f\"},"
                + "\"id\":\"e2\",\"p2pfsschemaversion\":1,\"specversion\":\"1.0\",\"time\":\"2026-01-01T00:00:00Z\","
                + "\"type\":\"file.uploaded\"}", entry.canonical());
    }

    @Test
    void duplicateMemberNamesAreRefused() {
        assertThrows(AuditEntry.Malformed.class, () -> AuditEntry.fromCanonical("{\"id\":\"a\",\"id\":\"b\"}"));
    }
}
