package io.p2pfs.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.testing.TestRunCleanup;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Logging in with the password and the device grant, silent refresh, logout, whoami. */
class LoginIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final CliStack stack = CliStack.shared();

    @AfterEach
    void normalLifetime() {
        stack.issuer.accessTokenLifetime(Duration.ofMinutes(5));
    }

    private static CliStack.Run withPassword(CliStack stack, Path config, String login, String password) {
        return stack.run(stack.environment(config), config,
                new ByteArrayInputStream((password + "\n").getBytes(StandardCharsets.UTF_8)),
                "login", "--password", "-u", login, "--password-stdin");
    }

    @Test
    void passwordLoginRegistersTheUserIdAndCachesTokensInAPrivateFile() throws Exception {
        Path config = TestRunCleanup.scratchDir("p2pfs-test-cli-login-");
        CliStack.Run login = withPassword(stack, config, "alice", "alice-secret");
        assertEquals(0, login.exit(), login.toString());
        assertTrue(login.out().contains("Logged in as alice (user id alice"), login.out());

        Path tokens = config.resolve("tokens/default.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokens)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokens.getParent())));
        JsonNode cached = JSON.readTree(tokens.toFile());
        assertEquals("alice", cached.path("userId").asText());

        CliStack.Run whoami = stack.run(config, config, "whoami", "--json");
        assertEquals(0, whoami.exit(), whoami.toString());
        JsonNode me = JSON.readTree(whoami.out());
        assertEquals("alice", me.path("login").asText());
        assertEquals("alice", me.path("userId").asText());
        assertTrue(me.path("roles").toString().contains("user"));
        // The home directory exists for the registered user: a put with a relative path lands there.
        Files.writeString(config.resolve("hello.txt"), "hello");
        CliStack.Run put = stack.run(config, config, "put", "hello.txt");
        assertEquals(0, put.exit(), put.toString());
        assertTrue(put.out().contains("/alice/hello.txt"), put.out());
    }

    @Test
    void aWrongPasswordExitsWithTheAuthStatusAndCachesNothing() {
        Path config = TestRunCleanup.scratchDir("p2pfs-test-cli-login-");
        CliStack.Run login = withPassword(stack, config, "alice", "not-her-password");
        assertEquals(ExitCodes.AUTH, login.exit(), login.toString());
        assertTrue(login.err().contains("Login refused"), login.err());
        assertTrue(login.err().contains("Invalid user credentials"), login.err());
        assertFalse(login.err().contains("Exception"), login.err());
        assertFalse(Files.exists(config.resolve("tokens/default.json")));
    }

    @Test
    void deviceLoginShowsACodeAndCompletesOnceTheUserApprovesIt() throws Exception {
        Path config = TestRunCleanup.scratchDir("p2pfs-test-cli-device-");
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        CompletableFuture<Integer> login = CompletableFuture.supplyAsync(() -> P2pfsCli.run(new CliEnvironment(
                stack.environment(config), new ByteArrayInputStream(new byte[0]),
                new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, StandardCharsets.UTF_8), config, false, 100), "login"));
        await().atMost(Duration.ofSeconds(20)).until(() -> err.toString(StandardCharsets.UTF_8).contains("confirm the code"));
        String shown = err.toString(StandardCharsets.UTF_8);
        String code = stack.issuer.pendingUserCodes().stream().filter(shown::contains).findFirst().orElseThrow(
                () -> new AssertionError("the code shown is not one the issuer handed out: " + shown));
        assertTrue(shown.contains(stack.issuer.url() + "/device"), shown);
        // Still waiting: nothing is cached before approval.
        assertFalse(login.isDone());
        assertFalse(Files.exists(config.resolve("tokens/default.json")));
        int devicesBefore = stack.issuer.granted("device_code");
        assertTrue(stack.issuer.approve(code, "bob", "bob-secret"));
        assertEquals(0, login.get(30, TimeUnit.SECONDS), out + "\n" + err);
        assertEquals(devicesBefore + 1, stack.issuer.granted("device_code"));
        CliStack.Run whoami = stack.run(config, config, "whoami", "--json");
        assertEquals("bob", JSON.readTree(whoami.out()).path("login").asText(), whoami.toString());
        assertTrue(JSON.readTree(whoami.out()).path("groups").toString().contains("finance"), whoami.toString());
    }

    @Test
    void aDeniedDeviceLoginExitsWithTheAuthStatus() throws Exception {
        Path config = TestRunCleanup.scratchDir("p2pfs-test-cli-device-");
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        CompletableFuture<Integer> login = CompletableFuture.supplyAsync(() -> P2pfsCli.run(new CliEnvironment(
                stack.environment(config), new ByteArrayInputStream(new byte[0]),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, StandardCharsets.UTF_8), config, false, 100), "login", "--json"));
        await().atMost(Duration.ofSeconds(20)).until(() -> err.toString(StandardCharsets.UTF_8).contains("userCode"));
        JsonNode prompt = JSON.readTree(err.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow());
        assertTrue(stack.issuer.deny(prompt.path("deviceLogin").path("userCode").asText()));
        assertEquals(ExitCodes.AUTH, login.get(30, TimeUnit.SECONDS), err.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("access_denied"));
        assertFalse(Files.exists(config.resolve("tokens/default.json")));
    }

    @Test
    void anExpiringAccessTokenIsRefreshedSilentlyAndSaved() throws Exception {
        stack.issuer.accessTokenLifetime(Duration.ofSeconds(33));
        Path config = stack.loggedIn("carol");
        JsonNode before = JSON.readTree(config.resolve("tokens/default.json").toFile());
        Instant expires = Instant.parse(before.path("accessExpiresAt").asText());
        // Wait until fewer seconds are left than the refresh margin: the next command must refresh.
        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().plusSeconds(30).isAfter(expires));
        int refreshes = stack.issuer.granted("refresh_token");
        CliStack.Run ls = stack.run(config, config, "mkdir", "-p", "/carol/refreshed");
        assertEquals(0, ls.exit(), ls.toString());
        assertEquals(refreshes + 1, stack.issuer.granted("refresh_token"));
        JsonNode after = JSON.readTree(config.resolve("tokens/default.json").toFile());
        assertNotEquals(before.path("accessToken").asText(), after.path("accessToken").asText());
        assertNotEquals(before.path("refreshToken").asText(), after.path("refreshToken").asText());
        assertEquals("carol", after.path("userId").asText());
    }

    @Test
    void aLoginWhoseRefreshTokenWasRevokedMustLogInAgain() throws Exception {
        Path config = stack.loggedIn("carol");
        Path copy = TestRunCleanup.scratchDir("p2pfs-test-cli-copy-");
        Files.createDirectories(copy.resolve("tokens"));
        Files.copy(config.resolve("tokens/default.json"), copy.resolve("tokens/default.json"));
        // Logging out ends the session at the issuer: the copied refresh token is dead too.
        CliStack.Run logout = stack.run(config, config, "logout");
        assertEquals(0, logout.exit(), logout.toString());
        assertFalse(Files.exists(config.resolve("tokens/default.json")));
        assertEquals(ExitCodes.AUTH, stack.run(config, config, "whoami").exit());

        Map<String, Object> expired = JSON.readValue(copy.resolve("tokens/default.json").toFile(), Map.class);
        expired.put("accessExpiresAt", Instant.now().minusSeconds(5).toString());
        Files.write(copy.resolve("tokens/default.json"), JSON.writeValueAsBytes(expired));
        CliStack.Run ls = stack.run(copy, copy, "ls", "/carol");
        assertEquals(ExitCodes.AUTH, ls.exit(), ls.toString());
        assertTrue(ls.err().contains("run p2pfs login"), ls.err());
    }

    @Test
    void profilesKeepTheirLoginsApart() throws Exception {
        Path config = stack.loggedIn("alice");
        Map<String, String> env = new java.util.HashMap<>(stack.environment(config));
        env.put("P2PFS_PROFILE", "second");
        CliStack.Run notYet = stack.run(env, config, new ByteArrayInputStream(new byte[0]), "whoami");
        assertEquals(ExitCodes.AUTH, notYet.exit(), notYet.toString());
        CliStack.Run login = stack.run(env, config, new ByteArrayInputStream("bob-secret\n".getBytes(StandardCharsets.UTF_8)),
                "login", "--password", "-u", "bob", "--password-stdin");
        assertEquals(0, login.exit(), login.toString());
        assertEquals("bob", JSON.readTree(stack.run(env, config, new ByteArrayInputStream(new byte[0]), "whoami", "--json")
                .out()).path("login").asText());
        assertEquals("alice", JSON.readTree(stack.run(config, config, "whoami", "--json").out()).path("login").asText());
        assertEquals("bob", JSON.readTree(stack.run(config, config, "--profile", "second", "whoami", "--json").out())
                .path("login").asText());
    }
}
