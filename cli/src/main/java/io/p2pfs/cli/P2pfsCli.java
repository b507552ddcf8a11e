package io.p2pfs.cli;

import io.p2pfs.cli.commands.AdminCommands;
import io.p2pfs.cli.commands.AuditCommands;
import io.p2pfs.cli.commands.CliCommand;
import io.p2pfs.cli.commands.CompletionCommand;
import io.p2pfs.cli.commands.ConfigCommands;
import io.p2pfs.cli.commands.CopyCommand;
import io.p2pfs.cli.commands.GetCommand;
import io.p2pfs.cli.commands.GlobalOptions;
import io.p2pfs.cli.commands.LockCommands;
import io.p2pfs.cli.commands.NamespaceCommands;
import io.p2pfs.cli.commands.PutCommand;
import io.p2pfs.cli.commands.SessionCommands;
import io.p2pfs.cli.commands.SharingCommands;
import io.p2pfs.cli.commands.UsageCommand;
import io.p2pfs.cli.output.Printer;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code p2pfs} command: one entry point, a subcommand per action. Exit status by class of
 * failure ({@link ExitCodes}); errors print the service's problem title and detail, never a
 * stack trace ({@code P2PFS_DEBUG=1} adds it).
 */
@Command(name = "p2pfs", versionProvider = P2pfsCli.Version.class,
        description = "The p2pfs file store: log in, move files on the direct data path, share, lock, audit.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {
            SessionCommands.Login.class, SessionCommands.Logout.class, SessionCommands.Whoami.class,
            PutCommand.class, GetCommand.class, NamespaceCommands.Cat.class, NamespaceCommands.Ls.class,
            NamespaceCommands.Stat.class, NamespaceCommands.Mkdir.class, NamespaceCommands.Rm.class,
            NamespaceCommands.Mv.class, CopyCommand.class, NamespaceCommands.Versions.class,
            NamespaceCommands.Restore.class,
            SharingCommands.Acl.class, SharingCommands.Share.class, SharingCommands.Shared.class,
            SharingCommands.Policy.class,
            LockCommands.Lock.class, LockCommands.Unlock.class, LockCommands.Locks.class,
            UsageCommand.class, AuditCommands.class,
            AdminCommands.Nodes.class, AdminCommands.Drain.class, AdminCommands.Quarantine.class, AdminCommands.Replication.class,
            AdminCommands.Keys.class,
            ConfigCommands.class, CompletionCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  p2pfs login                      log in in a browser (device code)",
            "  p2pfs put -r photos /alice/      upload a folder",
            "  p2pfs ls -l /alice/photos",
            "  p2pfs share /alice/photos bob read,download",
            "  p2pfs get /alice/photos/cat.jpg .",
            "",
            "Exit status: 0 ok, 1 other, 2 usage, 3 auth, 4 not found, 5 conflict, 6 locked, 7 unavailable.",
            "Settings: --profile, P2PFS_* variables, the config file (p2pfs config --help)."})
public final class P2pfsCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The global options given before the command ({@code p2pfs --profile prod ls}). */
    @CommandLine.Mixin
    public GlobalOptions global = new GlobalOptions();

    @CommandLine.Option(names = {"-V", "--version"}, versionHelp = true, description = "Print the version and exit.")
    boolean version;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed");
    }

    public static void main(String[] args) {
        int status = run(CliEnvironment.ofProcess(), args);
        System.out.flush();
        System.exit(status);
    }

    /** Runs one command line in {@code environment}; returns its exit status. */
    public static int run(CliEnvironment environment, String... args) {
        CommandLine line = commandLine(environment);
        return line.execute(args);
    }

    public static CommandLine commandLine(CliEnvironment environment) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                K instance = defaults.create(type);
                if (instance instanceof CliCommand command) {
                    command.environment(environment);
                }
                return instance;
            }
        };
        CommandLine line = new CommandLine(new P2pfsCli(), factory);
        line.setOut(new java.io.PrintWriter(environment.out(), true));
        line.setErr(new java.io.PrintWriter(environment.err(), true));
        line.setCaseInsensitiveEnumValuesAllowed(true);
        line.setExecutionExceptionHandler((failure, failed, parsed) -> report(environment, failure, failed));
        line.setParameterExceptionHandler((failure, args) -> {
            environment.err().println("p2pfs: " + failure.getMessage());
            environment.err().println("Try '" + failure.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help'.");
            return ExitCodes.USAGE;
        });
        return line;
    }

    private static int report(CliEnvironment environment, Exception thrown, CommandLine failed) {
        Failure failure = Failure.of(thrown);
        boolean json = failed.getCommand() instanceof CliCommand command && command.jsonOutput();
        String line = "p2pfs: " + failure.describe();
        if (json) {
            try {
                line = Printer.JSON.writeValueAsString(Map.of("error", failure.asJson()));
            } catch (IOException e) {
                // keep the plain line
            }
        }
        environment.err().println(line);
        if ("1".equals(environment.variable("P2PFS_DEBUG"))) {
            thrown.printStackTrace(environment.err());
        }
        return failure.exitCode();
    }

    /** The version of this build, from the jar's resources. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"p2pfs " + version()};
        }

        public static String version() {
            Properties properties = new Properties();
            try (InputStream in = P2pfsCli.class.getResourceAsStream("/p2pfs-cli.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            } catch (IOException ignored) {
                // no version recorded
            }
            return properties.getProperty("version", "unknown");
        }
    }
}
