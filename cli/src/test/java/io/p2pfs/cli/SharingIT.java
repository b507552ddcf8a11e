package io.p2pfs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sharing, policies and locks between two users, each with a login of their own. */
class SharingIT {

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

    private static CliStack.Run as(Path user, String... args) {
        return stack.run(user, user, args);
    }

    private static CliStack.Run ok(Path user, String... args) {
        CliStack.Run run = as(user, args);
        assertEquals(0, run.exit(), String.join(" ", args) + "\n" + run);
        return run;
    }

    @Test
    void afterAGrantTheOtherUserCanGetWhatTheyCouldNotBefore() throws Exception {
        String dir = "/alice/share-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] content = FileCommandsIT.random(200_000, 11);
        Files.write(alice.resolve("s.bin"), content);
        ok(alice, "put", "s.bin", dir + "/s.bin");
        Path target = bob.resolve("got-" + UUID.randomUUID());
        CliStack.Run before = as(bob, "get", dir + "/s.bin", target.toString());
        assertTrue(before.exit() == ExitCodes.AUTH || before.exit() == ExitCodes.NOT_FOUND, before.toString());

        CliStack.Run share = ok(alice, "share", dir, "bob", "read,download");
        assertTrue(share.out().contains("shared " + dir + " with user:bob: read,download"), share.out());
        JsonNode acl = JSON.readTree(ok(alice, "acl", "get", "--json", dir).out());
        assertEquals("user:bob", acl.path("entries").get(0).path("principal").asText());

        ok(bob, "get", dir + "/s.bin", target.toString());
        assertArrayEquals(content, Files.readAllBytes(target));
        JsonNode shared = JSON.readTree(ok(bob, "shared", "--json").out());
        boolean listed = false;
        for (JsonNode entry : shared) {
            listed |= entry.path("path").asText().equals(dir) && entry.path("owner").asText().equals("alice");
        }
        assertTrue(listed, shared.toString());
        // Read and download only: bob cannot write there.
        Files.writeString(bob.resolve("w.txt"), "bob was here");
        assertEquals(ExitCodes.AUTH, as(bob, "put", "w.txt", dir + "/w.txt").exit());

        ok(alice, "acl", "revoke", dir, "bob", "download");
        assertEquals(ExitCodes.AUTH, as(bob, "get", dir + "/s.bin", bob.resolve("x").toString()).exit());
        ok(alice, "acl", "revoke", dir, "bob");
        assertEquals(0, JSON.readTree(ok(alice, "acl", "get", "--json", dir).out()).path("entries").size());
    }

    @Test
    void aLockedFileRefusesTheOtherWriterWithExitSixWhileTheHolderWritesOn() throws Exception {
        String dir = "/alice/lock-" + UUID.randomUUID().toString().substring(0, 8);
        ok(alice, "mkdir", "-p", dir);
        ok(alice, "acl", "grant", dir, "bob", "read,download,write");
        Files.writeString(alice.resolve("l.txt"), "v1");
        ok(alice, "put", "l.txt", dir + "/l.txt");
        CliStack.Run lock = ok(alice, "lock", dir + "/l.txt", "--ttl", "120");
        assertTrue(lock.out().contains("lock token: "), lock.out());

        Files.writeString(bob.resolve("l.txt"), "bob's");
        CliStack.Run refused = as(bob, "put", "l.txt", dir + "/l.txt");
        assertEquals(ExitCodes.LOCKED, refused.exit(), refused.toString());
        assertTrue(refused.err().startsWith("p2pfs: Locked"), refused.err());

        // The holder's own put presents the kept token by itself.
        Files.writeString(alice.resolve("l.txt"), "v2");
        ok(alice, "put", "l.txt", dir + "/l.txt");
        JsonNode locks = JSON.readTree(ok(bob, "locks", "--json", dir).out());
        assertEquals(1, locks.size());
        assertEquals("alice", locks.get(0).path("owner").asText());
        assertTrue(ok(alice, "locks", dir).out().contains("(token kept here)"));
        ok(alice, "lock", "--renew", dir + "/l.txt");

        ok(alice, "unlock", dir + "/l.txt");
        ok(bob, "put", "l.txt", dir + "/l.txt");
        assertEquals("bob's", ok(alice, "cat", dir + "/l.txt").out());
        assertEquals(0, JSON.readTree(ok(alice, "locks", "--json", dir).out()).size());
        // A grantee's lock never locks the owner out: she breaks it.
        ok(bob, "lock", dir + "/l.txt", "--ttl", "600");
        Files.writeString(alice.resolve("l.txt"), "v3");
        assertEquals(ExitCodes.LOCKED, as(alice, "put", "l.txt", dir + "/l.txt").exit());
        assertEquals(ExitCodes.AUTH, as(bob, "unlock", "--break", dir).exit(), "bob holds no SHARE");
        assertTrue(ok(alice, "unlock", "--break", dir + "/l.txt").out().contains("broke the EXCLUSIVE lock of bob"));
        ok(alice, "put", "l.txt", dir + "/l.txt");
    }

    @Test
    void policySetChangesOnlyTheNamedSettingsAndAnEmptyValueUnsetsOne() throws Exception {
        String dir = "/alice/policy-" + UUID.randomUUID().toString().substring(0, 8);
        ok(alice, "mkdir", "-p", dir);
        ok(alice, "policy", "set", dir, "conflictStrategy=keep_both", "keepVersions=7");
        JsonNode policy = JSON.readTree(ok(alice, "policy", "get", "--json", dir).out());
        assertEquals("KEEP_BOTH", policy.path("own").path("conflictStrategy").asText());
        assertEquals(7, policy.path("own").path("keepVersions").asInt());
        ok(alice, "policy", "set", dir, "keepVersions=");
        policy = JSON.readTree(ok(alice, "policy", "get", "--json", dir).out());
        assertEquals("KEEP_BOTH", policy.path("own").path("conflictStrategy").asText());
        assertTrue(policy.path("own").path("keepVersions").isNull() || policy.path("own").path("keepVersions")
                .isMissingNode(), policy.toString());
        CliStack.Run bad = as(alice, "policy", "set", dir, "replicationFactor=9");
        assertEquals(ExitCodes.USAGE, bad.exit(), bad.toString());
        assertEquals(ExitCodes.USAGE, as(alice, "policy", "set", dir, "colour=blue").exit());
    }
}
