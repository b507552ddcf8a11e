package io.p2pfs.cli.commands;

import picocli.CommandLine;

/** A command that only groups others ({@code acl get}, {@code audit search}): alone it is a usage error. */
abstract class CommandGroup implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), spec.name() + " needs one of: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
