package dev.hartstudio.cli;

import java.io.PrintStream;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code completion}: a completion script for bash and zsh, generated from the commands' options. */
@Command(name = "completion", description = "print a bash/zsh completion script for every command and option",
        footer = {"", "Examples:",
            "  source <(hart-studio completion)                    # this shell (bash, or zsh)",
            "  hart-studio completion > ~/.local/share/bash-completion/completions/hart-studio",
            "", "zsh loads it through bashcompinit, which the script switches on."})
final class CompletionCommand extends PrintingCommand {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    CompletionCommand(PrintStream out) {
        super(out);
    }

    @Override
    public Integer call() {
        out.print(AutoComplete.bash("hart-studio", spec.root().commandLine()));
        return 0;
    }
}
