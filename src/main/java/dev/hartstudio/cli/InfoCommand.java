package dev.hartstudio.cli;

import dev.hartstudio.bundle.Bundle;
import dev.hartstudio.bundle.BundleException;
import dev.hartstudio.bundle.BundleManifest;
import dev.hartstudio.bundle.ModelConfig;
import dev.hartstudio.bundle.SamplingDefaults;
import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.HartEngine;
import dev.hartstudio.engine.ProviderChoice;
import dev.hartstudio.engine.ProviderResolver;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code info}: what a bundle is, what it needs, and where the engine would run it. */
@Command(name = "info", description = {"summary of a bundle: sizes, defaults, files, and where it would run", "",
        "Validates a bundle (manifest, paths, hashes, schedule, arrays) and prints its summary: model"
            + " sizes, sampling defaults, files and their sizes, and which execution provider would run it, and why."},
        footer = {"", "Examples:", "  hart-studio info", "  hart-studio info --bundle my-bundle --provider cuda"})
final class InfoCommand implements Callable<Integer> {

    @Mixin
    CommonOptions.Engine common = new CommonOptions.Engine();

    @Parameters(paramLabel = "BUNDLE", arity = "0..*", description = "the bundle folder (instead of --bundle)")
    List<String> positional = new ArrayList<>();

    @Mixin
    CommonOptions.Help help = new CommonOptions.Help();

    private final PrintStream out;
    private final PrintStream err;

    InfoCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws BundleException, EngineException {
        if (positional.size() > 1 || positional.size() == 1 && common.bundle != null) {
            throw new UsageException("info takes one bundle folder (--bundle DIR); got " + positional + ".");
        }
        Path folder = positional.isEmpty() ? common.bundle("info") : Path.of(positional.get(0));
        var requested = common.provider;
        Bundle bundle = Bundle.open(folder);
        BundleManifest m = bundle.manifest();
        ModelConfig model = m.model();
        SamplingDefaults d = m.samplingDefaults();
        int tokensPerImage = model.patchNums().stream().mapToInt(p -> p * p).sum();
        out.printf("%s: %s%n", m.name(), m.description());
        row("folder", bundle.folder().toString());
        row("created by", m.createdBy() + ", " + m.precision() + " weights, RNG " + m.rng());
        row("image", model.resolution() + " x " + model.resolution() + " px, latent " + model.finestPatch() + " x "
                + model.finestPatch() + " x " + model.latentChannels() + " (downsample " + model.downsample() + ")");
        row("scales", model.scales() + " " + model.patchNums() + ", " + tokensPerImage + " tokens per image");
        row("transformer", String.format(Locale.ROOT, "width %d, depth %d, %d heads of %d, codebook V=%d",
                model.embedDim(), model.depth(), model.numHeads(), model.headDim(), model.codebookSize()));
        row("diffusion", String.format(Locale.ROOT, "width %d, depth %d, %d steps", model.diffusionWidth(),
                model.diffusionDepth(), d.diffusionSteps()));
        row("text", String.format(Locale.ROOT, "%s encoder, %d prompt tokens of width %d, system prompt: %s",
                m.text().encoder(), model.contextTokens(), model.contextDim(),
                bundle.systemPrompt().isPresent() ? "yes" : "no"));
        row("defaults", String.format(Locale.ROOT, "cfg %s, top-k %s, top-p %s, more smooth %s, seed %d",
                num(d.cfg()), d.topK(), num(d.topP()), d.moreSmooth() ? "on" : "off", d.seed()));
        long total = 0;
        StringBuilder files = new StringBuilder();
        for (String name : m.files().keySet()) {
            long size = size(bundle.folder().resolve(name));
            total += size;
            files.append(String.format(Locale.ROOT, "    %-22s %10s%n", name, bytes(size)));
        }
        row("files", m.files().size() + " files, " + bytes(total) + " (sha256 checked)");
        out.print(files);
        row("manifest", "sha256 " + bundle.manifestSha256());
        try (ProviderChoice choice = new ProviderResolver().resolve(requested)) {
            CommonOptions.reportFallback(choice, err);
            row("provider", "requested " + choice.requested() + ", would use " + choice.describe());
        }
        row("runtime", "ONNX Runtime " + HartEngine.ortVersion() + ", Java " + Runtime.version() + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs");
        return 0;
    }

    private void row(String label, String value) {
        out.printf("  %-12s %s%n", label, value);
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.1f", v) : Double.toString(v);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", n / (1024.0 * 1024 * 1024));
    }
}
