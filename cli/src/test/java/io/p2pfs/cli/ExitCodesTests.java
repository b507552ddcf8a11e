package io.p2pfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ExitCodesTests {

    @Test
    void eachHttpStatusClassHasItsExitStatus() {
        assertEquals(ExitCodes.USAGE, ExitCodes.ofStatus(400));
        assertEquals(ExitCodes.AUTH, ExitCodes.ofStatus(401));
        assertEquals(ExitCodes.AUTH, ExitCodes.ofStatus(403));
        assertEquals(ExitCodes.NOT_FOUND, ExitCodes.ofStatus(404));
        assertEquals(ExitCodes.CONFLICT, ExitCodes.ofStatus(409));
        assertEquals(ExitCodes.CONFLICT, ExitCodes.ofStatus(412));
        assertEquals(ExitCodes.LOCKED, ExitCodes.ofStatus(423));
        assertEquals(ExitCodes.UNAVAILABLE, ExitCodes.ofStatus(503));
        // A full quota: the account's state refuses it until files go or the limit grows.
        assertEquals(ExitCodes.CONFLICT, ExitCodes.ofStatus(507));
        assertEquals(ExitCodes.OTHER, ExitCodes.ofStatus(500));
    }
}
