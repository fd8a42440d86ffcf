package dev.hartstudio.cli;

import dev.hartstudio.bundle.BundleException;
import dev.hartstudio.engine.EngineException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command line, on picocli: {@code generate}, {@code reconstruct}, {@code info} and
 * {@code bench} over the engine facade; {@code inspect} validates a bundle (and with {@code --load}
 * loads every graph), {@code providers} shows which execution provider the engine would use,
 * {@code version} and {@code completion} (a bash/zsh completion script). Options are typed and
 * range-checked by {@link OptionValues}; a bad command line is one sentence on stderr and exit
 * status {@link #USAGE}.
 */
public final class Cli {

    /** Exit status of a run that failed on its input (bad bundle, engine failure). */
    public static final int FAILED = 1;
    /** Exit status of a malformed command line. */
    public static final int USAGE = 2;

    private static final String NAME = "hart-studio";

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

    /** The top-level command: no options but help and version, the subcommands below. */
    @Command(name = NAME, customSynopsis = NAME + " [<command> [options]]",
            description = {"", "Without a command, hart-studio opens the studio window.", ""},
            commandListHeading = "Commands:%n",
            footer = {"", "Examples:",
                "  hart-studio generate --prompt \"a red circle\" --seed 7 --out outputs",
                "  hart-studio generate --prompts prompts.jsonl --shard 0/2 --out outputs",
                "  hart-studio bench --n 10 --batches 1,4,8 --json bench.json",
                "  source <(hart-studio completion)     # tab completion in bash or zsh",
                "", "Exit status: 0 done, 1 failed, 2 bad command line."})
    static final class Root implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "show this text")
        boolean help;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    /** Runs one command; returns the process exit status (0 on success). */
    public int run(String... args) {
        CommandLine cl = commandLine();
        try {
            if (args.length == 0) {
                cl.usage(cl.getOut());
                return USAGE;
            }
            List<String> all = new ArrayList<>(List.of(args));
            if (List.of("--version", "-V").contains(all.get(0))) {
                all.set(0, "version");   // the old spelling of the version command
            }
            CommandLine sub = cl.getSubcommands().get(all.get(0));
            if (sub != null && !all.get(0).equals("help")
                    && (all.contains("--help") || all.contains("-h"))) {   // help wins over everything else
                sub.usage(sub.getOut());
                return 0;
            }
            return cl.execute(all.toArray(String[]::new));
        } finally {
            cl.getOut().flush();
            cl.getErr().flush();
        }
    }

    private CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Root());
        cl.addSubcommand("generate", new GenerateCommand(out, err, terminal, clock));
        cl.addSubcommand("reconstruct", new ReconstructCommand(out, err));
        cl.addSubcommand("info", new InfoCommand(out, err));
        cl.addSubcommand("bench", new BenchCommand(out, err, terminal, clock));
        cl.addSubcommand("soak", new SoakCommand(out, err, clock));
        cl.addSubcommand("inspect", new InspectCommand(out));
        cl.addSubcommand("history", new HistoryCommand(out, err));
        cl.addSubcommand("version", new VersionCommand(out));
        cl.addSubcommand("providers", new ProvidersCommand(out));
        cl.addSubcommand("completion", new CompletionCommand(out));
        cl.addSubcommand("help", new CommandLine.HelpCommand());
        return configured(cl, out, err);
    }

    /**
     * Parses {@code tokens} into one command object and runs it, as {@link #run} runs a subcommand
     * (for a command made with its own clock).
     */
    static int execute(Object command, List<String> tokens, PrintStream out, PrintStream err) {
        CommandLine cl = configured(new CommandLine(command), out, err);
        try {
            return cl.execute(tokens.toArray(String[]::new));
        } finally {
            cl.getOut().flush();
            cl.getErr().flush();
        }
    }

    /** Streams, and the exception handlers that turn problems into one sentence and an exit status. */
    private static CommandLine configured(CommandLine cl, PrintStream out, PrintStream err) {
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((e, arguments) -> {
            err.println(sentence(e));
            return USAGE;
        });
        cl.setExecutionExceptionHandler((e, command, parsed) -> {
            err.println(e.getMessage());
            if (e instanceof IllegalArgumentException) {
                return USAGE;
            }
            if (e instanceof BundleException || e instanceof EngineException || e instanceof OutputFolder.WriteException) {
                return FAILED;
            }
            throw e;
        });
        return cl;
    }

    /** One sentence for a command line picocli could not parse, naming the option and what is allowed. */
    static String sentence(CommandLine.ParameterException e) {
        String command = e.getCommandLine().getCommandName();
        boolean root = e.getCommandLine().getParent() == null;
        if (e.getCause() instanceof OptionValues.BadValue bad) {
            return bad.sentence(name(e.getArgSpec()));
        }
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            List<String> similar = u.getSuggestions();
            String hint = similar.isEmpty() ? "" : " (did you mean " + similar.get(0) + "?)";
            if (root && !arg.startsWith("-")) {
                return "Unknown command \"" + arg + "\"" + hint + "; try help.";
            }
            if (arg.startsWith("-")) {
                return command + ": unknown option " + arg + hint + "; see " + command + " --help.";
            }
            return command + ": unexpected argument \"" + arg + "\"; see " + command + " --help.";
        }
        if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()) {
            return name(m.getMissing().get(0)) + " needs a value.";
        }
        if (e instanceof CommandLine.OverwrittenOptionException o) {
            return name(o.getOverwritten()) + " is given twice.";
        }
        if (e.getArgSpec() instanceof OptionSpec o && o.arity().max() == 0) {
            return name(o) + " takes no value.";
        }
        return e.getMessage();
    }

    private static String name(ArgSpec spec) {
        return spec instanceof OptionSpec o ? o.longestName() : String.valueOf(spec.paramLabel());
    }
}
