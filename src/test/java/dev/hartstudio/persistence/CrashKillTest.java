package dev.hartstudio.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.persistence.history.HistoryEntry;
import dev.hartstudio.persistence.history.HistoryStore;
import dev.hartstudio.persistence.png.PngMetadata;
import dev.hartstudio.persistence.settings.SettingsStore;
import dev.hartstudio.testing.FullDisk;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writer process ({@link CrashWriterMain}) with SIGKILL at seeded random moments, 200 times,
 * and after each kill opens its data folder as the studio would: the history and the settings load
 * without a problem, every entry the writer reported as committed is there and at most the one it
 * was writing is extra, every gallery PNG is whole, and leftover temp files are cleaned at the open.
 */
class CrashKillTest {

    /** 200, or more with {@code -Dhart.crash.kills=N} (fewer only for quick experiments). */
    static final int KILLS = Integer.getInteger("hart.crash.kills", 200);
    /** A fresh data folder every so many kills, so that the history file stays small and the test fast. */
    static final int KILLS_PER_FOLDER = 25;
    static final long SEED = 19;
    static final int MAX_DELAY_MS = 250;

    @TempDir
    Path dir;

    @Test
    void committedEntriesSurvive200Kills() {
        assertTimeoutPreemptively(Duration.ofMinutes(8), this::killAndCheck);
    }

    private void killAndCheck() throws Exception {
        Random random = new Random(SEED);
        int entriesVerified = 0;
        int distinctCommitted = 0;
        int pngsVerified = 0;
        int inFlightFound = 0;
        int leftoversSeen = 0;
        int galleryLeftovers = 0;
        int killsBeforeAnyCommit = 0;
        Path data = null;
        Set<String> committed = new HashSet<>();
        Set<Path> pngsChecked = new HashSet<>();
        long started = System.nanoTime();
        for (int kill = 0; kill < KILLS; kill++) {
            if (kill % KILLS_PER_FOLDER == 0) {
                data = Files.createDirectories(dir.resolve("data-" + kill / KILLS_PER_FOLDER));
                committed.clear();
                pngsChecked.clear();
            }
            String run = Integer.toString(kill);
            // 0-250 ms after "ready": from inside the first append (class loading is done) to a few appends on
            Set<String> thisRun = runAndKill(data, run, random.nextInt(MAX_DELAY_MS + 1));
            if (thisRun.isEmpty()) {
                killsBeforeAnyCommit++;
            }
            committed.addAll(thisRun);
            distinctCommitted += thisRun.size();

            leftoversSeen += FullDisk.leftovers(data.resolve(HistoryStore.FOLDER))
                    + FullDisk.leftovers(data.resolve(HistoryStore.FOLDER).resolve("thumbs")) + FullDisk.leftovers(data);
            HistoryStore history = new HistoryStore(data);
            List<HistoryEntry> entries = history.entries();
            assertEquals(java.util.Optional.empty(), history.lastProblem(), "kill " + kill);
            Set<String> ids = entries.stream().map(HistoryEntry::id).collect(Collectors.toSet());
            for (String id : committed) {
                assertTrue(ids.contains(id), "kill " + kill + ": committed entry " + id + " is missing");
            }
            Set<String> extra = new HashSet<>(ids);
            extra.removeAll(committed);
            assertTrue(extra.size() <= 1, "kill " + kill + ": more than the one entry being written is extra: " + extra);
            if (!extra.isEmpty()) {
                assertTrue(extra.iterator().next().startsWith("r" + run + "-"), "kill " + kill + ": " + extra);
                committed.addAll(extra);
                inFlightFound++;
            }
            entriesVerified += ids.size();
            for (HistoryEntry e : entries) {
                history.thumbnail(e).ifPresent(t -> assertTrue(Files.isRegularFile(t), "thumbnail " + t));
            }

            SettingsStore settings = new SettingsStore(data);
            settings.load();
            assertEquals(java.util.Optional.empty(), settings.lastProblem(), "kill " + kill);

            assertEquals(0, FullDisk.leftovers(data.resolve(HistoryStore.FOLDER)), "history temp files cleaned");
            assertEquals(0, FullDisk.leftovers(data.resolve(HistoryStore.FOLDER).resolve("thumbs")),
                    "thumbnail temp files cleaned");
            assertEquals(0, FullDisk.leftovers(data), "settings temp files cleaned");
            Path gallery = data.resolve("gallery");
            galleryLeftovers += FullDisk.leftovers(gallery);
            try (var files = Files.list(gallery)) {
                for (Path png : files.filter(f -> f.getFileName().toString().endsWith(".png")).toList()) {
                    if (pngsChecked.add(png)) {
                        PngMetadata.read(png);
                        pngsVerified++;
                    }
                }
            }
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        String summary = "CrashKillTest: " + KILLS + " SIGKILLs (seed " + SEED + ", 0-" + MAX_DELAY_MS + " ms after"
                + " ready) in " + seconds + " s; " + distinctCommitted + " entries reported committed, all found; "
                + entriesVerified + " entry checks after the kills (" + inFlightFound + " in-flight entries found whole, "
                + killsBeforeAnyCommit + " kills before the first commit), " + pngsVerified + " gallery PNGs read back,"
                + " " + leftoversSeen + " leftover temp files of history/settings cleaned at open, " + galleryLeftovers
                + " hidden gallery temp files ignored";
        System.out.println(summary);
        Files.writeString(Files.createDirectories(Path.of("target")).resolve("crash-kill-test.txt"),
                summary + System.lineSeparator());
        assertFalse(killsBeforeAnyCommit == KILLS, "the writer never committed anything: " + summary);
    }

    /** Starts the writer, waits for "ready", kills it after {@code delayMs}; the ids it reported committed. */
    private Set<String> runAndKill(Path data, String run, int delayMs) throws IOException, InterruptedException {
        Process child = new ProcessBuilder(childCommand(CrashWriterMain.class, data.toString(), run))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        child.getOutputStream().close();
        BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String first = lines.readLine();
        if (first == null || !first.startsWith("ready")) {
            child.destroyForcibly().waitFor();
            throw new AssertionError("the writer did not start: " + first);
        }
        Thread.sleep(delayMs);
        // SIGKILL through the handle: Process.destroyForcibly would also close our end of the pipe
        // and lose the lines the writer printed just before it died
        child.toHandle().destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the killed writer did not end");
        assertEquals(137, child.exitValue(), "ended by SIGKILL");
        Set<String> ids = new HashSet<>();
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.startsWith("committed ")) {
                ids.add(line.substring("committed ".length()));
            }
        }
        return ids;
    }

    /** A java command line that runs {@code main} of {@code type} with this JVM's class path. */
    static List<String> childCommand(Class<?> type, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), type.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
