package dev.hartstudio.cli;

import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.ExecutionProvider;
import dev.hartstudio.engine.HartEngine;
import dev.hartstudio.engine.ProviderChoice;
import dev.hartstudio.engine.generate.PreviewMode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** What several commands share: where the bundle is, which provider, which preview. */
final class CommonOptions {

    /** The bundle used when {@code --bundle} is not given, relative to the working folder or the app home. */
    static final Path DEFAULT_BUNDLE = Path.of("assets", "models", "hart-tiny");
    /** Set by the launcher script: the repository folder, so the default bundle is found from anywhere. */
    static final String HOME_VARIABLE = "HART_STUDIO_HOME";

    private CommonOptions() {
    }

    /** {@code -h}/{@code --help}, on every command. */
    static final class Help {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this text")
        boolean help;
    }

    /** {@code --device} (alias {@code --provider}) of the commands that only resolve a provider. */
    static final class Device {
        @Option(names = {"--device", "--provider"}, paramLabel = "D", converter = OptionValues.Provider.class,
                description = "auto (default), cpu, cuda or cuda:N")
        ExecutionProvider device = ExecutionProvider.AUTO;
    }

    /** {@code --bundle} and {@code --provider}, the options of every command that opens a bundle. */
    static final class Engine {

        @Option(names = "--bundle", paramLabel = "DIR",
                description = "the HART bundle folder (default: " + "assets/models/hart-tiny" + " if it exists)")
        String bundle;

        @Option(names = {"--provider", "--device"}, paramLabel = "P", converter = OptionValues.Provider.class,
                description = "auto (default: CUDA when usable, else CPU), cpu, cuda or cuda:N")
        ExecutionProvider provider = ExecutionProvider.AUTO;

        /** {@code --bundle}, else the default bundle, else a usage error that says what to pass. */
        Path bundle(String command) {
            return bundle != null ? Path.of(bundle) : defaultBundle(command);
        }
    }

    /** The default bundle, else a usage error that says what to pass. */
    static Path defaultBundle() {
        return defaultBundle("this command");
    }

    private static Path defaultBundle(String command) {
        if (Files.isDirectory(DEFAULT_BUNDLE)) {
            return DEFAULT_BUNDLE;
        }
        String home = System.getenv(HOME_VARIABLE);
        if (home != null && !home.isBlank() && Files.isDirectory(Path.of(home).resolve(DEFAULT_BUNDLE))) {
            return Path.of(home).resolve(DEFAULT_BUNDLE);
        }
        // An installed app: the bundle sits beside the jar (jpackage's lib/app).
        Path jarFolder = jarFolder();
        if (jarFolder != null && Files.isDirectory(jarFolder.resolve(DEFAULT_BUNDLE))) {
            return jarFolder.resolve(DEFAULT_BUNDLE);
        }
        throw new UsageException(command + " needs --bundle DIR (no default bundle at " + DEFAULT_BUNDLE + ").");
    }

    private static Path jarFolder() {
        try {
            Path jar = Path.of(CommonOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(jar) ? jar.getParent() : null;
        } catch (java.net.URISyntaxException | SecurityException | NullPointerException e) {
            return null;
        }
    }

    static String previewName(PreviewMode mode) {
        return switch (mode) {
            case LATENT_RGB -> "latent";
            case FULL_DECODE -> "decode";
            case NONE -> "none";
        };
    }

    /** Opens the engine; when CUDA was asked for and the engine fell back, says so in one line on {@code err}. */
    static HartEngine openEngine(Path bundle, ExecutionProvider requested, PrintStream err) throws EngineException {
        HartEngine engine = HartEngine.open(bundle, requested);
        reportFallback(engine.provider(), err);
        return engine;
    }

    static void reportFallback(ProviderChoice choice, PrintStream err) {
        if (choice.requested().kind() == ExecutionProvider.Kind.CUDA && !choice.usesCuda()) {
            err.println("Running on CPU: " + choice.reason());
        }
    }
}
