package io.p2pfs.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What one run of the command sees of the world: its environment variables, streams, working
 * directory, and whether its standard error is a terminal (progress bars) and how wide.
 * {@link P2pfsCli#main} takes the process's own; tests pass their own and run it in-process.
 */
public record CliEnvironment(Map<String, String> variables, InputStream in, PrintStream out, PrintStream err,
        Path workingDirectory, boolean terminal, int columns) {

    public CliEnvironment {
        variables = Map.copyOf(variables);
    }

    public static CliEnvironment ofProcess() {
        boolean terminal = Boolean.parseBoolean(System.getProperty("p2pfs.terminal", "false"));
        int columns = 100;
        try {
            String fromLauncher = System.getProperty("p2pfs.columns", "");
            columns = fromLauncher.isBlank() ? columns : Integer.parseInt(fromLauncher.trim());
        } catch (NumberFormatException ignored) {
            // keep the default width
        }
        return new CliEnvironment(System.getenv(), System.in, System.out, System.err,
                Path.of("").toAbsolutePath(), terminal, columns);
    }

    public String variable(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? null : value;
    }

    /** A local path the user typed, against the working directory. */
    public Path local(String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            String home = variable("HOME");
            if (home != null) {
                return Path.of(home).resolve(path.equals("~") ? "" : path.substring(2));
            }
        }
        return workingDirectory.resolve(path).normalize();
    }
}
