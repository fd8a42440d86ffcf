package dev.hartstudio.cli;

import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.ProviderChoice;
import dev.hartstudio.engine.ProviderResolver;
import java.io.PrintStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code providers}: which execution provider the engine would use, and why. */
@Command(name = "providers", description = "show which execution provider the engine would use, and why",
        footer = {"", "Example:", "  hart-studio providers --device cuda"})
final class ProvidersCommand extends PrintingCommand {

    @Mixin
    CommonOptions.Device device = new CommonOptions.Device();

    ProvidersCommand(PrintStream out) {
        super(out);
    }

    @Override
    public Integer call() throws EngineException {
        try (ProviderChoice choice = new ProviderResolver().resolve(device.device)) {
            out.printf("requested %s, using %s%n", choice.requested(), choice.describe());
        }
        return 0;
    }
}
