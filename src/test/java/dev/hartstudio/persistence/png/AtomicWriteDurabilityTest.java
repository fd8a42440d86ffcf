package dev.hartstudio.persistence.png;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hartstudio.persistence.Samples;
import dev.hartstudio.persistence.history.HistoryStore;
import dev.hartstudio.persistence.settings.Settings;
import dev.hartstudio.persistence.settings.SettingsStore;
import dev.hartstudio.testing.FullDisk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the atomic writer promises beyond whole files: the file mode, new names, and a full disk. */
class AtomicWriteDurabilityTest {

    @TempDir
    Path dir;

    @Test
    void savedFilesAreReadableByEveryoneAndWritableByTheOwner() throws Exception {
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"), "no POSIX permissions here");
        AtomicWrite.write(dir.resolve("a.bin"), new byte[] {1});
        Path png = PngMetadata.writeNew(AtomicWrite.standard(), dir, "image", Samples.rgb(8, 1),
                Samples.metadata("p", 1, 8));
        new SettingsStore(dir).save(Settings.defaults());
        HistoryStore history = new HistoryStore(dir);
        var stored = history.add(Samples.entry("e1"), Samples.picture(8, 1));
        for (Path p : List.of(dir.resolve("a.bin"), png, dir.resolve(SettingsStore.FILE), history.file(),
                history.thumbnail(stored).orElseThrow())) {
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
        }
    }

    @Test
    void saveNewNeverReplacesAnExistingFile() throws Exception {
        Files.write(dir.resolve("image.png"), new byte[] {9});
        Path second = AtomicWrite.standard().saveNew(dir, "image", ".png", out -> out.write(2));
        Path third = AtomicWrite.standard().saveNew(dir, "image", ".png", out -> out.write(3));
        assertEquals(dir.resolve("image-2.png"), second);
        assertEquals(dir.resolve("image-3.png"), third);
        assertArrayEquals(new byte[] {9}, Files.readAllBytes(dir.resolve("image.png")));
        assertArrayEquals(new byte[] {2}, Files.readAllBytes(second));
        assertEquals(0, FullDisk.leftovers(dir));
    }

    @Test
    void saveNewFromManyThreadsAtOnceGivesEachItsOwnFile() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Path>> saved = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    byte value = (byte) i;
                    saved.add(pool.submit(() -> AtomicWrite.standard().saveNew(dir, "same", ".png",
                            out -> out.write(new byte[] {value, value, value}))));
                }
                Set<Path> files = new HashSet<>();
                Set<Byte> contents = new HashSet<>();
                for (Future<Path> f : saved) {
                    Path p = f.get();
                    files.add(p);
                    byte[] bytes = Files.readAllBytes(p);
                    assertEquals(3, bytes.length);
                    contents.add(bytes[0]);
                }
                assertEquals(32, files.size());
                assertEquals(32, contents.size(), "no file was replaced by another");
            } finally {
                pool.shutdownNow();
            }
        });
    }

    @Test
    void aFullDiskFailsWithOneSentenceAndKeepsTheOldFile() throws Exception {
        Path file = dir.resolve("a.png");
        AtomicWrite.write(file, new byte[] {7});
        FullDisk disk = new FullDisk(1000);
        IOException e = assertThrows(IOException.class, () -> disk.writer().save(file, new byte[5000]));
        assertEquals("Could not save " + file + ": the disk is full.", e.getMessage());
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(file));
        assertEquals(0, FullDisk.leftovers(dir));
    }

    @Test
    void aFullDiskLeavesNoNewPngBehind() throws Exception {
        FullDisk disk = new FullDisk(200);
        IOException e = assertThrows(IOException.class, () -> PngMetadata.writeNew(disk.writer(), dir, "image",
                Samples.rgb(64, 1), Samples.metadata("p", 1, 64)));
        assertTrue(e.getMessage().contains("disk is full") && e.getMessage().contains(dir.resolve("image.png").toString()),
                e.getMessage());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.toList());
        }
    }

    @Test
    void staleTempFilesAreRemovedAndFreshOnesKept() throws Exception {
        Path stale = Files.write(dir.resolve(".hart-1.png.abc.part"), new byte[] {1});
        Path fresh = Files.write(dir.resolve(".hart-2.png.def.part"), new byte[] {1});
        Path image = Files.write(dir.resolve("hart-3.png"), new byte[] {1});
        Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(Duration.ofHours(2))));
        Files.setLastModifiedTime(image, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(Duration.ofHours(2))));
        assertEquals(1, AtomicWrite.removeStaleTempFiles(dir, Duration.ofHours(1)));
        assertTrue(!Files.exists(stale) && Files.exists(fresh) && Files.exists(image));
    }

    @Test
    void tempFilesAreHiddenAndNamedAfterTheirTarget() {
        assertTrue(AtomicWrite.isTempFile(".history.json.k3j2.part"));
        assertTrue(!AtomicWrite.isTempFile("history.json") && !AtomicWrite.isTempFile(".lock"));
    }
}
