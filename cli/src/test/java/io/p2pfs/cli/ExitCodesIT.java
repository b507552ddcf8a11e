package io.p2pfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.testing.TestRunCleanup;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each class of failure exits with its own status and prints the problem, never a stack trace. */
class ExitCodesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static CliStack stack;
    private static Path alice;
    private static Path bob;

    @BeforeAll
    static void login() {
        stack = CliStack.shared();
        alice = stack.loggedIn("alice");
        bob = stack.loggedIn("bob");
    }

    private static void assertExit(int expected, CliStack.Run run) {
        assertEquals(expected, run.exit(), run.toString());
        assertTrue(run.err().startsWith("p2pfs: ") || run.err().startsWith("{\"error\""), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
    }

    @Test
    void usageErrorsExitTwo() {
        assertExit(ExitCodes.USAGE, stack.run(alice, alice, "ls", "--no-such-option"));
        assertExit(ExitCodes.USAGE, stack.run(alice, alice, "frobnicate"));
        assertExit(ExitCodes.USAGE, stack.run(alice, alice, "share", "/alice", "bob", "fly"));
        // A path the service refuses as malformed is the caller's mistake too.
        assertExit(ExitCodes.USAGE, stack.run(alice, alice, "mkdir", "/alice/bad\u0001name"));
    }

    @Test
    void missingLoginsAndRefusedPermissionsExitThree() throws Exception {
        Path nobody = TestRunCleanup.scratchDir("p2pfs-test-cli-nobody-");
        CliStack.Run run = stack.run(nobody, nobody, "ls", "/alice");
        assertExit(ExitCodes.AUTH, run);
        assertTrue(run.err().contains("run p2pfs login"), run.err());
        String dir = "/alice/private-" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(0, stack.run(alice, alice, "mkdir", dir).exit());
        Files.writeString(bob.resolve("intrude.txt"), "x");
        // A directory bob may not see answers him as a missing one would; once he may read it, he is refused.
        assertExit(ExitCodes.NOT_FOUND, stack.run(bob, bob, "put", "intrude.txt", dir + "/intrude.txt"));
        assertEquals(0, stack.run(alice, alice, "share", dir, "bob", "read").exit());
        assertExit(ExitCodes.AUTH, stack.run(bob, bob, "put", "intrude.txt", dir + "/intrude.txt"));
    }

    @Test
    void missingEntriesAndFilesExitFour() throws Exception {
        CliStack.Run stat = stack.run(alice, alice, "stat", "/alice/never-" + UUID.randomUUID());
        assertExit(ExitCodes.NOT_FOUND, stat);
        assertTrue(stat.err().startsWith("p2pfs: Not Found: "), stat.err());
        assertExit(ExitCodes.NOT_FOUND, stack.run(alice, alice, "put", "no-such-local-file", "/alice/"));
        assertExit(ExitCodes.NOT_FOUND, stack.run(alice, alice, "unlock", "/alice/nothing-locked"));
    }

    @Test
    void conflictsAndFailedPreconditionsExitFive() throws Exception {
        String path = "/alice/conflict-" + UUID.randomUUID() + ".txt";
        Files.writeString(alice.resolve("c.txt"), "one");
        assertEquals(0, stack.run(alice, alice, "put", "c.txt", path).exit());
        assertExit(ExitCodes.CONFLICT, stack.run(alice, alice, "put", "--no-clobber", "c.txt", path));
        assertExit(ExitCodes.CONFLICT, stack.run(alice, alice, "put", "--if-match", "\"not-the-etag\"", "c.txt", path));
        assertExit(ExitCodes.CONFLICT, stack.run(alice, alice, "mkdir", path));
    }

    @Test
    void aPutOverTheQuotaExitsFiveWithTheServicesWords() throws Exception {
        Path carol = stack.loggedIn("carol");
        Path admin = stack.loggedIn("admin");
        CliStack.Run own = stack.run(carol, carol, "usage", "--json");
        assertEquals(0, own.exit(), own.toString());
        long used = JSON.readTree(own.out()).path("logicalBytes").asLong();
        try {
            CliStack.Run set = stack.run(admin, admin, "usage", "carol", "--set-limit", Long.toString(used + 10));
            assertEquals(0, set.exit(), set.toString());
            assertTrue(set.out().contains("(set for the user)"), set.out());
            Files.writeString(carol.resolve("big.txt"), "eleven byte");
            CliStack.Run put = stack.run(carol, carol, "put", "big.txt", "/carol/quota-" + UUID.randomUUID() + ".txt");
            assertExit(ExitCodes.CONFLICT, put);
            assertTrue(put.err().startsWith("p2pfs: Insufficient Storage: "), put.err());
            assertTrue(put.err().contains("past the limit of " + (used + 10) + " bytes"), put.err());
            // Only administrators set limits or see everyone.
            assertExit(ExitCodes.AUTH, stack.run(carol, carol, "usage", "--all"));
            assertExit(ExitCodes.AUTH, stack.run(carol, carol, "usage", "carol", "--clear-limit"));
            assertExit(ExitCodes.USAGE, stack.run(admin, admin, "usage", "carol", "--set-limit", "lots"));
            CliStack.Run everyone = stack.run(admin, admin, "usage", "--all");
            assertEquals(0, everyone.exit(), everyone.toString());
            assertTrue(everyone.out().startsWith("USER"), everyone.out());
            assertTrue(everyone.out().contains("carol"), everyone.out());
        } finally {
            assertEquals(0, stack.run(admin, admin, "usage", "carol", "--clear-limit").exit());
        }
        CliStack.Run cleared = stack.run(carol, carol, "usage");
        assertEquals(0, cleared.exit(), cleared.toString());
        assertTrue(cleared.out().contains("used"), cleared.out());
        assertFalse(cleared.out().contains("(set for the user)"), cleared.out());
    }

    @Test
    void aWriteUnderSomeoneElsesLockExitsSix() throws Exception {
        String dir = "/alice/locked-" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(0, stack.run(alice, alice, "mkdir", dir).exit());
        assertEquals(0, stack.run(alice, alice, "acl", "grant", dir, "bob", "read,write,delete").exit());
        assertEquals(0, stack.run(alice, alice, "lock", dir).exit());
        Files.writeString(bob.resolve("b.txt"), "b");
        assertExit(ExitCodes.LOCKED, stack.run(bob, bob, "put", "b.txt", dir + "/b.txt"));
        assertExit(ExitCodes.LOCKED, stack.run(bob, bob, "mkdir", dir + "/sub"));
        assertEquals(0, stack.run(alice, alice, "unlock", dir).exit());
    }

    @Test
    void anUnreachableServiceExitsSeven() throws Exception {
        Map<String, String> env = new HashMap<>(stack.environment(alice));
        env.put("P2PFS_METADATA_URL", "http://127.0.0.1:" + io.p2pfs.testing.KafkaBroker.freePort());
        CliStack.Run run = stack.run(env, alice, new ByteArrayInputStream(new byte[0]), "ls", "/alice");
        assertExit(ExitCodes.UNAVAILABLE, run);
        Map<String, String> noIssuer = new HashMap<>(stack.environment(alice));
        noIssuer.put("P2PFS_ISSUER_URL", "http://127.0.0.1:" + io.p2pfs.testing.KafkaBroker.freePort() + "/realms/p2pfs");
        assertExit(ExitCodes.UNAVAILABLE, stack.run(noIssuer, alice, new ByteArrayInputStream(new byte[0]),
                "login", "--password", "-u", "alice", "--password-stdin"));
    }

    @Test
    void otherFailuresExitOne() throws Exception {
        // A local folder where a file must go: neither the service's nor the user's class of mistake.
        String path = "/alice/other-" + UUID.randomUUID() + ".txt";
        Files.writeString(alice.resolve("o.txt"), "o");
        assertEquals(0, stack.run(alice, alice, "put", "o.txt", path).exit());
        Path folder = alice.resolve("a-folder-" + UUID.randomUUID());
        Files.createDirectories(folder.resolve("inside"));
        Files.writeString(folder.resolve("inside/keep"), "k");
        Path target = folder.resolve("inside");
        CliStack.Run run = stack.run(alice, alice, "get", "--no-resume", path, target.resolve("keep").resolve("x")
                .toString());
        assertExit(ExitCodes.OTHER, run);
    }

    @Test
    void jsonErrorsCarryTheProblemAndTheExitStatus() throws Exception {
        CliStack.Run run = stack.run(alice, alice, "stat", "--json", "/alice/never-" + UUID.randomUUID());
        assertEquals(ExitCodes.NOT_FOUND, run.exit());
        assertEquals("", run.out());
        JsonNode error = JSON.readTree(run.err()).path("error");
        assertEquals(404, error.path("status").asInt());
        assertEquals(ExitCodes.NOT_FOUND, error.path("exitCode").asInt());
        assertEquals("Not Found", error.path("title").asText());
        assertTrue(error.path("detail").asText().length() > 0);
    }
}
