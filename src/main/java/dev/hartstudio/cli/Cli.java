package dev.hartstudio.cli;

import dev.hartstudio.bundle.Bundle;
import dev.hartstudio.bundle.BundleException;
import dev.hartstudio.bundle.BundleManifest;
import dev.hartstudio.bundle.GraphRole;
import dev.hartstudio.bundle.ModelConfig;
import dev.hartstudio.engine.BuildInfo;
import dev.hartstudio.engine.BundleGraphs;
import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.ExecutionProvider;
import dev.hartstudio.engine.ProviderChoice;
import dev.hartstudio.engine.ProviderResolver;
import dev.hartstudio.engine.VersionReport;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The command line: {@code generate}, {@code reconstruct}, {@code info} and {@code bench} over the
 * engine facade; {@code inspect} validates a bundle (and with {@code --load} loads every graph),
 * {@code providers} shows which execution provider the engine would use. Each command parses its
 * own options; a bad command line is one sentence on stderr and exit status {@link #USAGE}.
 */
public final class Cli {

    /** Exit status of a run that failed on its input (bad bundle, engine failure). */
    public static final int FAILED = 1;
    /** Exit status of a malformed command line. */
    public static final int USAGE = 2;

    private static final String HELP = String.join(System.lineSeparator(),
            "Usage: hart-studio [<command> [options]]",
            "",
            "Without a command, hart-studio opens the studio window.",
            "",
            "Commands:",
            "  generate     make images from a prompt or a prompts file (resumable, shardable, with traces)",
            "  reconstruct  encode images with a bundle's tokenizer and decode them back, with PSNR/SSIM",
            "  info         summary of a bundle: sizes, defaults, files, and where it would run",
            "  bench        time every stage of the engine; a table and JSON",
            "  inspect <bundle-folder> [--load] [--device D]",
            "               validate a HART bundle; --load also loads every ONNX graph",
            "  version      this build: version, ONNX Runtime version and flavour, provider, bundle (also --version)",
            "  providers [--device D]",
            "               show which execution provider the engine would use, and why",
            "  help         show this text; <command> --help shows a command's options",
            "",
            "Exit status: 0 done, 1 failed, 2 bad command line.");

    private final PrintStream out;
    private final PrintStream err;

    private final boolean terminal;
    private final LongSupplier clock;

    /** A command line whose stderr is not a terminal (plain progress lines). */
    public Cli(PrintStream out, PrintStream err) {
        this(out, err, false);
    }

    /** @param terminal whether {@code err} is an interactive terminal (progress bars redraw in place) */
    public Cli(PrintStream out, PrintStream err, boolean terminal) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.clock = System::nanoTime;
    }

    /** Runs one command; returns the process exit status (0 on success). */
    public int run(String... args) {
        if (args.length == 0 || List.of("help", "-h", "--help").contains(args[0])) {
            if (args.length > 1) {
                return run(args[1], "--help");
            }
            out.println(HELP);
            return args.length == 0 ? USAGE : 0;
        }
        List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
        if (List.of("version", "--version", "-V").contains(args[0])) {
            if (!rest.isEmpty()) {
                err.println(args[0] + " takes no arguments, got " + rest + ".");
                return USAGE;
            }
            return version();
        }
        if (List.of("inspect", "providers").contains(args[0]) && (rest.contains("--help") || rest.contains("-h"))) {
            out.println(HELP);
            return 0;
        }
        try {
            switch (args[0]) {
                case "generate":
                    return new GenerateCommand(out, err, terminal, clock).run(rest);
                case "reconstruct":
                    return new ReconstructCommand(out, err).run(rest);
                case "info":
                    return new InfoCommand(out, err).run(rest);
                case "bench":
                    return new BenchCommand(out, err, terminal, clock).run(rest);
                case "inspect": {
                    ExecutionProvider device = takeDevice(rest);
                    boolean load = rest.remove("--load");
                    return inspect(single(rest, "inspect needs one bundle folder"), load, device);
                }
                case "providers": {
                    ExecutionProvider device = takeDevice(rest);
                    noMore(rest);
                    return providers(device);
                }
                default:
                    throw new IllegalArgumentException("Unknown command \"" + args[0] + "\"; try help.");
            }
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return USAGE;
        } catch (BundleException | EngineException | OutputFolder.WriteException e) {
            err.println(e.getMessage());
            return FAILED;
        }
    }

    private int inspect(String folder, boolean load, ExecutionProvider device) throws BundleException, EngineException {
        Bundle bundle = Bundle.open(Path.of(folder));
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
            try (ProviderChoice choice = new ProviderResolver().resolve(device)) {
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

    private int version() {
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

    private int providers(ExecutionProvider device) throws EngineException {
        try (ProviderChoice choice = new ProviderResolver().resolve(device)) {
            out.printf("requested %s, using %s%n", choice.requested(), choice.describe());
        }
        return 0;
    }

    private static ExecutionProvider takeDevice(List<String> args) {
        int at = args.indexOf("--device");
        if (at < 0) {
            at = args.indexOf("--provider");
        }
        if (at < 0) {
            return ExecutionProvider.AUTO;
        }
        if (at + 1 >= args.size()) {
            throw new IllegalArgumentException("--device needs a value: auto, cpu, cuda or cuda:N.");
        }
        ExecutionProvider device = ExecutionProvider.parse(args.get(at + 1));
        args.subList(at, at + 2).clear();
        return device;
    }

    private static String single(List<String> args, String problem) {
        if (args.size() != 1 || args.get(0).startsWith("--")) {
            throw new IllegalArgumentException(problem + (args.isEmpty() ? "." : ", got " + args + "."));
        }
        return args.get(0);
    }

    private static void noMore(List<String> args) {
        if (!args.isEmpty()) {
            throw new IllegalArgumentException("Unexpected arguments " + args + ".");
        }
    }
}
