package dev.hartstudio.persistence.history;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.persistence.Samples;
import dev.hartstudio.persistence.png.AtomicWrite;
import dev.hartstudio.testing.FullDisk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A damaged, truncated or half-written history; a full disk; two stores on one folder. */
class HistoryRecoveryTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T23:45:10Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private HistoryStore store() {
        return new HistoryStore(dir, AtomicWrite.standard(), CLOCK);
    }

    private Path file() {
        return dir.resolve(HistoryStore.FOLDER).resolve(HistoryStore.FILE);
    }

    @Test
    void aFileCutAtAnyLengthIsMovedAsideWithANoticeNamingIt() throws Exception {
        HistoryStore writer = store();
        for (String id : List.of("a", "b", "c")) {
            writer.add(Samples.entry(id), null);
        }
        byte[] whole = Files.readAllBytes(file());
        int cases = 0;
        for (int cut = 0; cut < whole.length; cut += Math.max(1, whole.length / 200)) {
            int at = cut;
            byte[] part = Arrays.copyOf(whole, cut);
            Files.write(file(), part);
            HistoryStore store = store();
            assertEquals(List.of(), store.entries(), "cut at " + cut);
            Path aside = store.movedAside().orElseThrow(() -> new AssertionError("not moved aside at " + at));
            assertArrayEquals(part, Files.readAllBytes(aside), "the damaged file is kept as it was");
            String notice = store.lastProblem().orElseThrow();
            assertTrue(notice.contains(aside.toString()) && notice.contains(file().toString()), notice);
            assertFalse(Files.exists(file()));
            Files.delete(aside);
            cases++;
        }
        System.out.println("HistoryRecoveryTest: " + cases + " truncated history files moved aside");
        assertTrue(cases >= 100, "cases: " + cases);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "null", "42", "\"text\"", "{\"format\":2}", "{\"entries\":{}}", "[1, 2]",
            "[{\"id\":\"a\"}] trailing", "{\"entries\":[{\"id\":\"a\",\"createdAt\":\"yesterday\"}]}"})
    void aFileThatIsNotAHistoryIsMovedAside(String content) throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), content);
        HistoryStore store = store();
        assertEquals(List.of(), store.entries());
        assertTrue(store.lastProblem().orElseThrow().startsWith("The history file " + file() + " was damaged ("),
                store.lastProblem().get());
        assertEquals(content, Files.readString(store.movedAside().orElseThrow()));
    }

    @Test
    void aDeeplyNestedFileIsMovedAsideNotACrash() throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "[".repeat(200_000) + "]".repeat(200_000));
        HistoryStore store = store();
        assertEquals(List.of(), store.entries());
        assertTrue(store.movedAside().isPresent(), store.lastProblem().orElse("no problem"));
    }

    @Test
    void invalidUtf8IsMovedAside() throws Exception {
        Files.createDirectories(file().getParent());
        Files.write(file(), new byte[] {'[', (byte) 0xC3, (byte) 0x28, ']'});
        HistoryStore store = store();
        assertEquals(List.of(), store.entries());
        assertTrue(store.lastProblem().orElseThrow().contains("not UTF-8"), store.lastProblem().get());
    }

    @Test
    void aSecondDamagedFileNeverOverwritesTheFirst() throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "[{\"id\": first");
        Path first = store().movedAside().orElseThrow();
        Files.writeString(file(), "[{\"id\": second");
        Path second = store().movedAside().orElseThrow();
        assertEquals(HistoryStore.FILE + ".broken-20261207-234510", first.getFileName().toString());
        assertEquals(HistoryStore.FILE + ".broken-20261207-234510-2", second.getFileName().toString());
        assertEquals("[{\"id\": first", Files.readString(first));
        assertEquals("[{\"id\": second", Files.readString(second));
    }

    @Test
    void afterADamagedFileNewEntriesAreSavedAgain() throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "[{\"id\":");
        HistoryStore store = store();
        store.entries();
        store.add(Samples.entry("new"), null);
        assertEquals(List.of("new"), store().entries().stream().map(HistoryEntry::id).toList());
        assertEquals(Optional.empty(), store().lastProblem());
    }

    @Test
    void leftoverTempFilesAreIgnoredAndRemovedAtTheNextOpen() throws Exception {
        store().add(Samples.entry("a"), Samples.picture(8, 1));
        Path tempIndex = file().resolveSibling("." + HistoryStore.FILE + ".x1y2.part");
        Path tempThumb = file().resolveSibling("thumbs").resolve(".b.png.z9.part");
        Files.writeString(tempIndex, "[{\"id\": \"half");
        Files.write(tempThumb, new byte[] {(byte) 0x89, 'P'});
        HistoryStore store = store();
        assertEquals(List.of("a"), store.entries().stream().map(HistoryEntry::id).toList());
        assertEquals(Optional.empty(), store.lastProblem());
        assertFalse(Files.exists(tempIndex));
        assertFalse(Files.exists(tempThumb));
    }

    @Test
    void aFullDiskLosesNothingAlreadySaved() throws Exception {
        HistoryStore good = store();
        good.add(Samples.entry("a"), Samples.picture(16, 1));
        good.add(Samples.entry("b"), Samples.picture(16, 2));
        byte[] before = Files.readAllBytes(file());
        for (long free : new long[] {0, 100, 2_000}) {
            HistoryStore full = new HistoryStore(dir, new FullDisk(free).writer(), CLOCK);
            IOException e = assertThrows(IOException.class, () -> full.add(Samples.entry("c"), Samples.picture(16, 3)));
            assertTrue(e.getMessage().startsWith("Could not save ") && e.getMessage().endsWith(": the disk is full."),
                    e.getMessage());
            assertTrue(e.getMessage().contains(dir.resolve(HistoryStore.FOLDER).toString()), e.getMessage());
            assertEquals(List.of("b", "a"), full.entries().stream().map(HistoryEntry::id).toList(),
                    "the store still holds what is on disk");
            IOException d = assertThrows(IOException.class, () -> full.delete("a"));
            assertTrue(d.getMessage().contains("the disk is full"), d.getMessage());
        }
        assertArrayEquals(before, Files.readAllBytes(file()));
        HistoryStore reread = store();
        assertEquals(List.of("b", "a"), reread.entries().stream().map(HistoryEntry::id).toList());
        assertEquals(Optional.empty(), reread.lastProblem());
        for (HistoryEntry e : reread.entries()) {
            assertTrue(Files.size(reread.thumbnail(e).orElseThrow()) > 0);
        }
        assertEquals(0, FullDisk.leftovers(file().getParent()) + FullDisk.leftovers(file().resolveSibling("thumbs")));
    }

    @Test
    void twoStoresOnOneFolderMergeTheirAppends() throws Exception {
        HistoryStore one = store();
        HistoryStore two = store();
        one.entries();
        two.entries();
        one.add(Samples.entry("1a"), null);
        two.add(Samples.entry("2a"), null);
        one.add(Samples.entry("1b"), null);
        assertEquals(List.of("1b", "2a", "1a"), one.entries().stream().map(HistoryEntry::id).toList());
        assertEquals(one.entries(), two.entries(), "a store sees what the other wrote");
    }

    @Test
    void aDeleteInOneStoreIsNotUndoneByTheOther() throws Exception {
        HistoryStore one = store();
        one.add(Samples.entry("x"), null);
        HistoryStore two = store();
        assertEquals(1, two.entries().size());
        assertTrue(one.delete("x"));
        two.add(Samples.entry("y"), null);
        assertEquals(List.of("y"), store().entries().stream().map(HistoryEntry::id).toList());
        assertFalse(two.delete("x"), "already deleted by the other store");
    }

    @Test
    void aDeletedIdCanBeAddedAgain() throws Exception {
        HistoryStore one = store();
        one.add(Samples.entry("x"), null);
        one.delete("x");
        one.add(Samples.entry("x"), null);
        assertEquals(List.of("x"), store().entries().stream().map(HistoryEntry::id).toList());
    }

    @Test
    void theFirstFormatIsReadAndRewrittenWithItsEntries() throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "[{\"id\": \"old\", \"createdAt\": 1, \"prompt\": \"p\", \"seed\": 9}]");
        HistoryStore store = store();
        store.add(Samples.entry("new"), null);
        assertEquals(List.of("new", "old"), store().entries().stream().map(HistoryEntry::id).toList());
        assertNotEquals('[', Files.readString(file(), StandardCharsets.UTF_8).charAt(0));
    }
}
