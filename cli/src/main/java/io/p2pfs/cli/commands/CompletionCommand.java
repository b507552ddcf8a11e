package io.p2pfs.cli.commands;

import io.p2pfs.cli.ExitCodes;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Shell completion scripts for bash and zsh. */
@Command(name = "completion", description = "Print a shell completion script (bash, or zsh through bashcompinit).",
        footerHeading = "%nExamples:%n", footer = {"  source <(p2pfs completion bash)        # in ~/.bashrc",
            "  source <(p2pfs completion zsh)         # in ~/.zshrc"})
public final class CompletionCommand extends CliCommand {

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh")
    String shell;

    @Override
    protected int execute() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw io.p2pfs.cli.CliFailure.usage("completion is for bash or zsh, not " + shell);
        }
        String script = AutoComplete.bash("p2pfs", spec.root().commandLine());
        if (shell.equals("zsh")) {
            script = "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script;
        }
        out().print(script);
        out().flush();
        return ExitCodes.OK;
    }
}
