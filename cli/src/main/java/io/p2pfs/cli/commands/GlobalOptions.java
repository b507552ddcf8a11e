package io.p2pfs.cli.commands;

import picocli.CommandLine.Option;

/** The options every command takes, before or after the command's name. */
public final class GlobalOptions {

    @Option(names = "--profile", paramLabel = "NAME",
            description = "Settings and login to use (default: $P2PFS_PROFILE, else 'default').")
    public String profile;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    public boolean help;

    @Option(names = "--json", description = "Print the answer as JSON (errors too, on standard error).")
    public boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress bars and no informational lines.")
    public boolean quiet;

    /** These options, with what was given before the command's name where this command left them unset. */
    public GlobalOptions over(GlobalOptions before) {
        GlobalOptions merged = new GlobalOptions();
        merged.profile = profile != null ? profile : before.profile;
        merged.json = json || before.json;
        merged.quiet = quiet || before.quiet;
        return merged;
    }
}

