package dev.hartstudio.persistence.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryStoreTest {

    @TempDir
    Path dir;

    static HistoryEntry entry(String id, String prompt, long seed) {
        return new HistoryEntry(id, 1000L, prompt, seed, 4.5, List.of(600, 300), 0.0, true, false, "LATENT_RGB", 0,
                "tiny", "/b", "cpu", 128, 128, -1,
                new HistoryEntry.StageTimings(1.5, List.of(2.0, 3.0), List.of(1.0), 4.0, 12.0), "/out/a.png", null, null, null, null);
    }

    @Test
    void entriesSurviveAReopen() throws Exception {
        HistoryStore store = new HistoryStore(dir);
        store.add(entry("a", "a red cube", 1), null);
        store.add(entry("b", "a blue ball", 2), null);
        List<HistoryEntry> read = new HistoryStore(dir).entries();
        assertEquals(List.of("b", "a"), read.stream().map(HistoryEntry::id).toList());
        assertEquals(entry("a", "a red cube", 1), read.get(1));
    }

    @Test
    void thumbnailIsWrittenScaledDown() throws Exception {
        HistoryStore store = new HistoryStore(dir);
        HistoryEntry stored = store.add(entry("a", "p", 1), new BufferedImage(512, 256, BufferedImage.TYPE_INT_RGB));
        Path thumb = store.thumbnail(stored).orElseThrow();
        BufferedImage read = ImageIO.read(thumb.toFile());
        assertEquals(HistoryStore.THUMBNAIL_SIZE, read.getWidth());
        assertEquals(HistoryStore.THUMBNAIL_SIZE / 2, read.getHeight());
    }

    @Test
    void deleteRemovesEntryAndThumbnail() throws Exception {
        HistoryStore store = new HistoryStore(dir);
        HistoryEntry stored = store.add(entry("a", "p", 1), new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB));
        Path thumb = store.thumbnail(stored).orElseThrow();
        assertTrue(store.delete("a"));
        assertFalse(Files.exists(thumb));
        assertTrue(new HistoryStore(dir).entries().isEmpty());
        assertFalse(store.delete("a"));
    }

    @Test
    void addingAnExistingIdReplacesIt() throws Exception {
        HistoryStore store = new HistoryStore(dir);
        store.add(entry("a", "first", 1), null);
        store.add(entry("a", "second", 1), null);
        assertEquals(List.of("second"), store.entries().stream().map(HistoryEntry::prompt).toList());
    }

    @Test
    void aFileFromBeforeBranchesWereKeptStillLoads() throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve(HistoryStore.FOLDER));
        java.nio.file.Files.writeString(dir.resolve(HistoryStore.FOLDER).resolve(HistoryStore.FILE), """
                [{"id": "old", "createdAt": 1, "prompt": "a red cube", "seed": 9, "cfg": 4.5, "topK": [600],
                  "topP": 0.0, "moreSmooth": true, "discreteOnly": false, "previewMode": "NONE",
                  "branchFromScale": 2, "bundleName": "tiny", "bundleFolder": "/b", "provider": "cpu",
                  "width": 128, "height": 128, "stoppedAtScale": -1}]
                """);
        HistoryEntry e = new HistoryStore(dir).entries().get(0);
        assertEquals("a red cube", e.prompt());
        assertTrue(e.branchParents().isEmpty());
        assertTrue(e.keptTokens().isEmpty(), "a branch saved without its tokens cannot be repeated exactly");
    }

    @Test
    void damagedFileStartsEmptyAndIsKeptAside() throws Exception {
        Files.createDirectories(dir.resolve(HistoryStore.FOLDER));
        Files.writeString(dir.resolve(HistoryStore.FOLDER).resolve(HistoryStore.FILE), "[{\"id\":");
        HistoryStore store = new HistoryStore(dir);
        assertTrue(store.entries().isEmpty());
        assertTrue(store.lastProblem().isPresent());
        assertTrue(Files.exists(store.movedAside().orElseThrow()));
        assertTrue(store.movedAside().orElseThrow().getFileName().toString().startsWith(HistoryStore.FILE + ".broken-"));
    }
}
