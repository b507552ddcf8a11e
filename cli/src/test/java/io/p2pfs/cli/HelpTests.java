package io.p2pfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command explains itself with examples, and takes the global options. */
class HelpTests {

    private static List<CommandLine> everyCommand(CommandLine line) {
        List<CommandLine> all = new ArrayList<>();
        all.add(line);
        line.getSubcommands().values().forEach(sub -> all.addAll(everyCommand(sub)));
        return all;
    }

    private static CliEnvironment quiet(ByteArrayOutputStream out) {
        return new CliEnvironment(Map.of("P2PFS_CONFIG_DIR", "/nonexistent"), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()),
                Path.of("/"), false, 100);
    }

    @Test
    void everyCommandsHelpHasExamples() {
        CommandLine root = P2pfsCli.commandLine(quiet(new ByteArrayOutputStream()));
        List<String> without = new ArrayList<>();
        for (CommandLine command : everyCommand(root)) {
            if (!command.getUsageMessage().contains("Examples:")) {
                without.add(command.getCommandSpec().qualifiedName());
            }
        }
        assertEquals(List.of(), without, "commands whose --help has no examples");
    }

    @Test
    void everyActionTakesJsonProfileAndQuiet() {
        CommandLine root = P2pfsCli.commandLine(quiet(new ByteArrayOutputStream()));
        for (CommandLine command : everyCommand(root)) {
            if (command.getSubcommands().isEmpty() && command != root) {
                for (String option : List.of("--json", "--profile", "--quiet")) {
                    assertTrue(command.getCommandSpec().findOption(option) != null,
                            command.getCommandSpec().qualifiedName() + " takes " + option);
                }
            }
        }
    }

    @Test
    void helpExitsZeroAndAnUnknownCommandExitsTwo() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, P2pfsCli.run(quiet(out), "put", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("p2pfs put -r photos /alice/"));
        ByteArrayOutputStream version = new ByteArrayOutputStream();
        assertEquals(0, P2pfsCli.run(quiet(version), "--version"));
        assertTrue(version.toString(StandardCharsets.UTF_8).startsWith("p2pfs "));
        assertEquals(ExitCodes.USAGE, P2pfsCli.run(quiet(new ByteArrayOutputStream()), "teleport"));
        assertEquals(ExitCodes.USAGE, P2pfsCli.run(quiet(new ByteArrayOutputStream())));
    }
}
