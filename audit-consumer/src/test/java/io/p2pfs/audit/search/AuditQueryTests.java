package io.p2pfs.audit.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.p2pfs.common.problem.BadRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Filters with control characters never reach the database (which refuses a NUL outright). */
class AuditQueryTests {

    @ParameterizedTest
    @ValueSource(strings = {"\u0000", "al\u0000ice", "a\nb", "\u0007", "x\u007f"})
    void controlCharactersInAnyTextFilterAre400(String text) {
        assertThrows(BadRequest.class, () -> AuditQuery.parse(text, null, null, null, null, null, null, null));
        assertThrows(BadRequest.class, () -> AuditQuery.parse(null, text, null, null, null, null, null, null));
        assertThrows(BadRequest.class, () -> AuditQuery.parse(null, null, text, null, null, null, null, null));
        assertThrows(BadRequest.class, () -> AuditQuery.parse(null, null, null, "/a" + text, null, null, null, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice", "Zoë Ünal", "service-account-p2pfs-node", "file.uploaded"})
    void printableFiltersPass(String text) {
        AuditQuery query = AuditQuery.parse(null, text, text, null, null, null, null, null);
        assertEquals(text, query.actor());
        assertEquals(text, query.action());
    }
}
