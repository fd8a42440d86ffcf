package dev.hartstudio.cli;

import dev.hartstudio.bundle.Bundle;
import dev.hartstudio.bundle.BundleException;
import dev.hartstudio.engine.BuildInfo;
import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.ExecutionProvider;
import dev.hartstudio.engine.ProviderChoice;
import dev.hartstudio.engine.ProviderResolver;
import dev.hartstudio.engine.VersionReport;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code version} (also {@code --version}, {@code -V}): this build, ONNX Runtime, the provider and the default bundle. */
@Command(name = "version",
        description = "this build: version, ONNX Runtime version and flavour, provider, bundle (also --version)")
final class VersionCommand extends PrintingCommand {

    @Unmatched
    List<String> rest = new ArrayList<>();

    VersionCommand(PrintStream out) {
        super(out);
    }

    @Override
    public Integer call() {
        if (!rest.isEmpty()) {
            throw new UsageException("version takes no arguments, got " + rest + ".");
        }
        String provider;
        try (ProviderChoice choice = new ProviderResolver().resolve(ExecutionProvider.AUTO)) {
            provider = choice.describe();
        } catch (EngineException e) {
            provider = "none: " + e.getMessage();
        }
        String bundle;
        try {
            Bundle b = Bundle.open(CommonOptions.defaultBundle());
            bundle = b.manifest().name() + " (" + b.folder() + ")";
        } catch (BundleException | UsageException e) {
            bundle = "none: " + e.getMessage();
        }
        out.println(new VersionReport(BuildInfo.current(), provider, bundle).text());
        return 0;
    }
}
