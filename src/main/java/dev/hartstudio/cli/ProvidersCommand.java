package dev.hartstudio.cli;

import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.ExecutionProvider;
import dev.hartstudio.engine.ProviderChoice;
import dev.hartstudio.engine.ProviderResolver;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code providers}: which execution provider the engine would use, and why. */
@Command(name = "providers", description = "show which execution provider the engine would use, and why",
        footer = {"", "Example:", "  hart-studio providers --device cuda"})
final class ProvidersCommand implements Callable<Integer> {

    @Option(names = {"--device", "--provider"}, paramLabel = "D", converter = OptionValues.Provider.class,
            description = "auto (default), cpu, cuda or cuda:N")
    ExecutionProvider device = ExecutionProvider.AUTO;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this text")
    boolean help;

    private final PrintStream out;

    ProvidersCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws EngineException {
        try (ProviderChoice choice = new ProviderResolver().resolve(device)) {
            out.printf("requested %s, using %s%n", choice.requested(), choice.describe());
        }
        return 0;
    }
}
