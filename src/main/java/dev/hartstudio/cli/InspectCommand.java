package dev.hartstudio.cli;

import dev.hartstudio.bundle.Bundle;
import dev.hartstudio.bundle.BundleException;
import dev.hartstudio.bundle.BundleManifest;
import dev.hartstudio.bundle.GraphRole;
import dev.hartstudio.bundle.ModelConfig;
import dev.hartstudio.engine.BundleGraphs;
import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.ProviderChoice;
import dev.hartstudio.engine.ProviderResolver;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code inspect}: validates a bundle and prints its summary; with {@code --load} loads every graph. */
@Command(name = "inspect", description = "validate a HART bundle; --load also loads every ONNX graph",
        footer = {"", "Example:", "  hart-studio inspect assets/models/hart-tiny --load --device cpu"})
final class InspectCommand extends PrintingCommand {

    @Parameters(paramLabel = "BUNDLE-FOLDER", arity = "0..*", description = "the bundle folder")
    List<String> folders = new ArrayList<>();

    @Option(names = "--load", description = "also load every graph on the provider and check it against the manifest")
    boolean load;

    @Mixin
    CommonOptions.Device device = new CommonOptions.Device();

    InspectCommand(PrintStream out) {
        super(out);
    }

    @Override
    public Integer call() throws BundleException, EngineException {
        if (folders.size() != 1) {
            throw new UsageException("inspect needs one bundle folder" + (folders.isEmpty() ? "." : ", got " + folders + "."));
        }
        Bundle bundle = Bundle.open(Path.of(folders.get(0)));
        BundleManifest m = bundle.manifest();
        ModelConfig model = m.model();
        out.printf("%s: %s%n", m.name(), m.description());
        out.printf("  created by %s, %s, %s%n", m.createdBy(), m.precision(), m.rng());
        out.printf("  %d px, %d scales %s, V=%d, Cv=%d, C=%d, depth %d, %d heads%n", model.resolution(),
                model.scales(), model.patchNums(), model.codebookSize(), model.latentChannels(), model.embedDim(),
                model.depth(), model.numHeads());
        out.printf("  text: %s encoder, %d tokens, system prompt: %s%n", m.text().encoder(),
                m.text().maxPromptTokens(), bundle.systemPrompt().isPresent() ? "yes" : "no");
        out.printf("  graphs: %s%n", m.graphs().keySet());
        out.printf("  manifest sha256 %s%n", bundle.manifestSha256());
        if (load) {
            try (ProviderChoice choice = new ProviderResolver().resolve(device.device)) {
                out.printf("  provider: %s%n", choice.describe());
                try (BundleGraphs graphs = BundleGraphs.open(bundle, choice)) {
                    long loaded = List.of(GraphRole.values()).stream().filter(graphs::has).count();
                    out.printf("  loaded %d graphs, all match the manifest%n", loaded);
                }
            }
        }
        out.println("OK");
        return 0;
    }
}
