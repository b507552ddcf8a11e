package io.p2pfs.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built distribution's launcher as a user runs it: progress bars on a pseudo-terminal (made
 * with {@code script}) and none on a pipe, a download killed midway and resumed, the version,
 * and the bash completion script.
 */
class LauncherIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static CliStack stack;
    private static Path alice;
    private static Path launcher;

    @BeforeAll
    static void setUp() {
        stack = CliStack.shared();
        alice = stack.loggedIn("alice");
        launcher = Path.of(System.getProperty("p2pfs.cli.dist", "target/p2pfs-cli")).resolve("bin/p2pfs");
        assertTrue(Files.isExecutable(launcher), "the distribution is built: " + launcher);
    }

    private static ProcessBuilder process(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(alice.toFile());
        Map<String, String> env = builder.environment();
        env.putAll(stack.environment(alice));
        env.put("P2PFS_JAVA", ProcessHandle.current().info().command().orElse("java"));
        env.put("XDG_CACHE_HOME", alice.resolve("cache").toString());
        env.put("COLUMNS", "120");
        return builder;
    }

    private record Finished(int exit, String out, String err) {
    }

    private static Finished runPiped(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        Path out = alice.resolve("out-" + UUID.randomUUID());
        Path err = alice.resolve("err-" + UUID.randomUUID());
        Process process = process(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS));
        return new Finished(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Runs the launcher on a pseudo-terminal: everything it printed there, terminal codes included. */
    private static Finished runOnTerminal(String... args) throws Exception {
        StringBuilder line = new StringBuilder("exec");
        for (String arg : List.<String>of(launcher.toString())) {
            line.append(' ').append(quote(arg));
        }
        for (String arg : args) {
            line.append(' ').append(quote(arg));
        }
        Path typescript = alice.resolve("tty-" + UUID.randomUUID());
        Process process = process(List.of("script", "-q", "-f", "-e", "-c", line.toString(), typescript.toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS));
        return new Finished(process.exitValue(), Files.readString(typescript, StandardCharsets.UTF_8), "");
    }

    private static String quote(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    @Test
    void progressBarsAppearOnATerminalAndNeverOnAPipe() throws Exception {
        String dir = "/alice/progress-" + UUID.randomUUID().toString().substring(0, 8);
        Files.write(alice.resolve("p.bin"), FileCommandsIT.random(8 * 1024 * 1024, 21));
        Finished terminal = runOnTerminal("put", "p.bin", dir + "/p.bin");
        assertEquals(0, terminal.exit(), terminal.out());
        assertTrue(terminal.out().contains("\u001b[2K"), terminal.out());
        assertTrue(terminal.out().contains("100%"), terminal.out());
        assertTrue(terminal.out().contains("total (1/1 files)"), terminal.out());
        assertTrue(terminal.out().contains("uploaded " + dir + "/p.bin"), terminal.out());

        Finished slow = runOnTerminal("get", "--limit-rate", "4M", dir + "/p.bin", alice.resolve("p-copy.bin")
                .toString());
        assertEquals(0, slow.exit(), slow.out());
        assertTrue(slow.out().contains("ETA 0:0"), "a running transfer shows its ETA: " + slow.out());
        assertTrue(slow.out().contains("MiB/s"), slow.out());

        Finished piped = runPiped("get", "--no-clobber", dir + "/p.bin", alice.resolve("p-piped.bin").toString());
        assertEquals(0, piped.exit(), piped.err());
        assertEquals("", piped.err(), "nothing but results when not on a terminal");
        assertFalse(piped.err().contains("%"), piped.err());
        assertTrue(piped.out().startsWith("downloaded " + dir + "/p.bin"), piped.out());

        Finished quiet = runOnTerminal("put", "--quiet", "p.bin", dir + "/q.bin");
        assertEquals(0, quiet.exit(), quiet.out());
        assertFalse(quiet.out().contains("\u001b[2K"), quiet.out());
    }

    @Test
    void aDownloadKilledMidwayResumesWhereItStopped() throws Exception {
        String dir = "/alice/resume-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] content = FileCommandsIT.random(12 * 1024 * 1024, 22);
        Files.write(alice.resolve("big.bin"), content);
        assertEquals(0, stack.run(alice, alice, "put", "big.bin", dir + "/big.bin").exit());
        Path target = alice.resolve("big-copy-" + UUID.randomUUID() + ".bin");
        Path part = target.resolveSibling(target.getFileName() + ".p2pfs-part");
        Process get = process(List.of(launcher.toString(), "get", "--limit-rate", "2M", dir + "/big.bin",
                target.toString())).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(part) && Files.size(part) > 2 * 1024 * 1024);
        get.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        long kept = Files.size(part);
        assertTrue(kept < content.length, "killed before the end: " + kept);
        assertFalse(Files.exists(target));

        Finished resumed = runPiped("get", "--json", dir + "/big.bin", target.toString());
        assertEquals(0, resumed.exit(), resumed.err());
        JsonNode done = JSON.readTree(resumed.out()).get(0);
        assertTrue(done.path("resumedFrom").asLong() >= kept, done.toString());
        assertArrayEquals(content, Files.readAllBytes(target));
        assertFalse(Files.exists(part));
    }

    @Test
    void theLauncherPrintsItsVersionAndABashCompletionScript() throws Exception {
        Finished version = runPiped("--version");
        assertEquals(0, version.exit(), version.err());
        assertTrue(version.out().startsWith("p2pfs "), version.out());

        Path script = alice.resolve("completion.bash");
        Finished completion = runPiped("completion", "bash");
        assertEquals(0, completion.exit(), completion.err());
        Files.writeString(script, completion.out());
        Process bash = new ProcessBuilder("bash", "-c", "source " + quote(script.toString())
                + " && complete -p p2pfs").redirectErrorStream(true).start();
        String registered = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bash.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, bash.exitValue(), registered);
        assertTrue(registered.contains("p2pfs"), registered);
        assertTrue(completion.out().contains("put") && completion.out().contains("share"), "subcommands complete");
    }

}
