package io.p2pfs.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.p2pfs.cli.CliFailure;
import io.p2pfs.cli.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How typed permissions, principals, rates and limits are read. */
class ArgumentsTests {

    @Test
    void permissionsReadInAnyCaseWithAllAsEverything() {
        assertEquals(List.of("READ", "DOWNLOAD"), SharingCommands.permissions("read,Download"));
        assertEquals(List.of("READ", "DOWNLOAD", "WRITE", "DELETE", "SHARE"), SharingCommands.permissions("all"));
        assertEquals(List.of("WRITE"), SharingCommands.permissions("write, write"));
        assertEquals(ExitCodes.USAGE, assertThrows(CliFailure.class, () -> SharingCommands.permissions("fly"))
                .exitCode());
        assertThrows(CliFailure.class, () -> SharingCommands.permissions(","));
    }

    @Test
    void aBareNameIsAUserAndPrefixedPrincipalsStayAsTheyAre() {
        assertEquals("user:bob", SharingCommands.principal("bob"));
        assertEquals("group:finance", SharingCommands.principal("group:finance"));
        assertEquals("authenticated", SharingCommands.principal("authenticated"));
        assertThrows(CliFailure.class, () -> SharingCommands.principal("role:admin"));
    }

    @Test
    void ratesTakeBinaryUnitsAndRefuseNonsense() throws Exception {
        assertThrows(CliFailure.class, () -> RateLimit.parse("fast"));
        assertThrows(CliFailure.class, () -> RateLimit.parse("-1M"));
        assertEquals(null, RateLimit.parse(null));
        // 64 KiB at 256 KiB/s takes about a quarter of a second beyond the first slice.
        RateLimit limit = RateLimit.parse("256K");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        long started = System.nanoTime();
        try (var out = limit.limit(sink)) {
            out.write(new byte[128 * 1024]);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(128 * 1024, sink.size());
        assertTrue(millis >= 400, "the limit held the writes back: " + millis + " ms");
    }

    @Test
    void limitsTakeSizesOrNoneAndRefuseNonsense() {
        assertEquals(50L << 30, UsageCommand.limitBytes("50G"));
        assertEquals(0L, UsageCommand.limitBytes("none"));
        assertEquals(0L, UsageCommand.limitBytes("Unlimited"));
        assertEquals(ExitCodes.USAGE, assertThrows(CliFailure.class, () -> UsageCommand.limitBytes("lots"))
                .exitCode());
    }
}
