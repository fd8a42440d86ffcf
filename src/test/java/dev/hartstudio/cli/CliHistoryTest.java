package dev.hartstudio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.persistence.history.HistoryEntry;
import dev.hartstudio.persistence.history.HistoryStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code history}: the studio's history on the command line, and a damaged file on stderr. */
class CliHistoryTest {

    @TempDir
    Path data;

    private static HistoryEntry entry(String id, String prompt, long seed) {
        return new HistoryEntry(id, 1_000_000L, prompt, seed, 4.5, List.of(600), 0.0, true, false, "NONE", 0, "tiny",
                "/b", "cpu", 64, 64, -1, null, "/out/" + id + ".png", null, null, null, null);
    }

    @Test
    void listsTheEntriesNewestFirst() throws Exception {
        HistoryStore store = new HistoryStore(data);
        store.add(entry("a", "a red cube", 1), null);
        store.add(entry("b", "a blue\nball", 2), null);
        CliRun run = CliRun.of("history", "--data", data.toString());
        assertEquals(0, run.status(), run.both());
        List<String> lines = run.out().lines().toList();
        assertEquals(2, lines.size(), run.both());
        assertTrue(lines.get(0).contains("seed 2 ") && lines.get(0).contains("\"a blue ball\"")
                && lines.get(0).endsWith("/out/b.png"), lines.get(0));
        assertTrue(lines.get(1).contains("\"a red cube\""), lines.get(1));
        assertEquals("", run.err());
        assertEquals(1, CliRun.of("history", "--data", data.toString(), "--limit", "1").out().lines().count());
    }

    @Test
    void aDamagedHistoryIsMovedAsideAndStderrSaysWhereInOneSentence() throws Exception {
        Path file = Files.createDirectories(data.resolve(HistoryStore.FOLDER)).resolve(HistoryStore.FILE);
        Files.writeString(file, "{\"format\": 2, \"entries\": [{\"id\": \"a\", \"pro");
        CliRun run = CliRun.of("history", "--data", data.toString());
        assertEquals(0, run.status(), run.both());
        Path aside;
        try (Stream<Path> files = Files.list(file.getParent())) {
            aside = files.filter(f -> f.getFileName().toString().startsWith(HistoryStore.FILE + ".broken-"))
                    .findFirst().orElseThrow();
        }
        List<String> err = run.err().lines().toList();
        assertEquals(2, err.size(), run.both());
        assertTrue(err.get(0).startsWith("The history file " + file + " was damaged (")
                && err.get(0).endsWith(" and was moved to " + aside + "; the history starts empty."), err.get(0));
        assertEquals("The history in " + file.getParent() + " is empty.", err.get(1));
        assertEquals("{\"format\": 2, \"entries\": [{\"id\": \"a\", \"pro", Files.readString(aside));
    }

    @Test
    void aNegativeLimitIsRefused() {
        CliRun run = CliRun.of("history", "--data", data.toString(), "--limit", "-1");
        assertEquals(Cli.USAGE, run.status(), run.both());
        assertTrue(run.err().contains("--limit must be 0 or more; got -1."), run.both());
    }
}
