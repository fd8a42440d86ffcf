package dev.hartstudio.cli;

import dev.hartstudio.persistence.history.HistoryEntry;
import dev.hartstudio.persistence.history.HistoryStore;
import dev.hartstudio.persistence.settings.DataFolder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code history}: the studio's generation history, newest first. It reads the same file as a studio
 * running at the same time; a damaged file is moved aside (as the studio does) and stderr says where.
 */
@Command(name = "history", description = {"list the studio's past generations, newest first", "",
        "Reads the history of the data folder the studio uses (or --data DIR): date, seed, size, prompt and the"
            + " saved PNG of each generation."},
        footer = {"", "Examples:", "  hart-studio history", "  hart-studio history --limit 5 --data /media/usb/hart"})
final class HistoryCommand implements Callable<Integer> {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
    private static final int PROMPT_WIDTH = 60;

    @Option(names = "--data", paramLabel = "DIR", description = "the data folder (default: the studio's)")
    Path data;

    @Option(names = "--limit", paramLabel = "N", description = "show at most N entries (default: all)")
    int limit = Integer.MAX_VALUE;

    @Mixin
    CommonOptions.Help help = new CommonOptions.Help();

    private final PrintStream out;
    private final PrintStream err;

    HistoryCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        if (limit < 0) {
            throw new UsageException("--limit must be 0 or more; got " + limit + ".");
        }
        HistoryStore store = new HistoryStore(data == null ? DataFolder.resolve() : data);
        List<HistoryEntry> entries = store.entries();
        store.lastProblem().ifPresent(err::println);
        if (entries.isEmpty()) {
            err.println("The history in " + store.folder() + " is empty.");
            return 0;
        }
        entries.stream().limit(limit).forEach(e -> out.printf(Locale.ROOT, "%s  seed %-12d %4dx%-4d %s%s%n",
                WHEN.format(Instant.ofEpochMilli(e.createdAt()).atZone(ZoneId.systemDefault())), e.seed(), e.width(),
                e.height(), shortPrompt(e.prompt()), e.imageFile() == null ? "" : "  " + e.imageFile()));
        return 0;
    }

    private static String shortPrompt(String prompt) {
        String oneLine = prompt.replaceAll("\\s+", " ").strip();
        return "\"" + (oneLine.length() > PROMPT_WIDTH ? oneLine.substring(0, PROMPT_WIDTH - 1) + "…" : oneLine) + "\"";
    }
}
