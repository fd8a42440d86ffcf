package dev.hartstudio.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.persistence.history.HistoryEntry;
import dev.hartstudio.persistence.history.HistoryStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two processes on one data folder ({@link HistoryChildMain}): their appends merge and a delete stays deleted. */
class TwoInstancesTest {

    static final int EACH = 60;

    @TempDir
    Path dir;

    @Test
    void appendsOfTwoProcessesAtOnceAllArrive() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            Process a = start("append", dir.toString(), "a", Integer.toString(EACH));
            Process b = start("append", dir.toString(), "b", Integer.toString(EACH));
            BufferedReader outA = reader(a);
            BufferedReader outB = reader(b);
            assertEquals("ready", outA.readLine());
            assertEquals("ready", outB.readLine());
            go(a);
            go(b);
            assertEquals("done", outA.readLine(), "process a");
            assertEquals("done", outB.readLine(), "process b");
            assertEquals(0, exit(a));
            assertEquals(0, exit(b));

            HistoryStore store = new HistoryStore(dir);
            Set<String> ids = store.entries().stream().map(HistoryEntry::id).collect(Collectors.toSet());
            Set<String> expected = Stream.concat(IntStream.range(0, EACH).mapToObj(i -> "a-" + i),
                    IntStream.range(0, EACH).mapToObj(i -> "b-" + i)).collect(Collectors.toSet());
            assertEquals(expected, ids);
            assertEquals(2 * EACH, store.entries().size(), "no entry twice");
            assertEquals(Optional.empty(), store.lastProblem());
            for (HistoryEntry e : store.entries()) {
                assertTrue(Files.isRegularFile(store.thumbnail(e).orElseThrow()), e.id());
            }
            System.out.println("TwoInstancesTest: 2 processes x " + EACH + " concurrent appends, " + ids.size()
                    + " ids in the file");
        });
    }

    @Test
    void aDeleteInOneProcessIsNotUndoneByAnAppendInAnother() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            HistoryStore setup = new HistoryStore(dir);
            setup.add(Samples.entry("x"), Samples.picture(16, 1));
            setup.add(Samples.entry("y"), null);

            Process b = start("hold-then-append", dir.toString(), "z");
            BufferedReader outB = reader(b);
            assertEquals("loaded 2", outB.readLine(), "b holds x and y");
            Process a = start("delete", dir.toString(), "x");
            assertEquals("done", reader(a).readLine());
            assertEquals(0, exit(a));
            go(b);
            assertEquals("done", outB.readLine());
            assertEquals(0, exit(b));

            List<String> ids = new HistoryStore(dir).entries().stream().map(HistoryEntry::id).toList();
            assertEquals(List.of("z", "y"), ids);
            assertFalse(ids.contains("x"));
        });
    }

    private static Process start(String... args) throws IOException {
        return new ProcessBuilder(CrashKillTest.childCommand(HistoryChildMain.class, args))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    private static void go(Process p) throws IOException {
        OutputStream in = p.getOutputStream();
        in.write('\n');
        in.flush();
    }

    private static int exit(Process p) throws InterruptedException {
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child ended");
        return p.exitValue();
    }
}
