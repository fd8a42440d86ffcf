package dev.hartstudio.persistence.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.persistence.png.AtomicWrite;
import dev.hartstudio.testing.FullDisk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A damaged or truncated settings file, leftovers of a killed save, and a full disk. */
class SettingsRecoveryTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T23:45:10Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private SettingsStore store() {
        return new SettingsStore(dir, AtomicWrite.standard(), CLOCK);
    }

    private static Settings custom() {
        return Settings.defaults().withTheme(Settings.DARK).withOutputFolder("/pictures/hart")
                .withBundleOpened("/bundles/a").withBundleOpened("/bundles/b").withWindowSize(1200, 800);
    }

    @Test
    void aFileCutAtAnyLengthGivesTheDefaultsAndIsMovedAsideWithANotice() throws Exception {
        store().save(custom());
        byte[] whole = Files.readAllBytes(store().file());
        int cases = 0;
        for (int cut = 0; cut < whole.length; cut++) {
            int at = cut;
            Files.write(store().file(), Arrays.copyOf(whole, cut));
            SettingsStore store = store();
            assertEquals(Settings.defaults(), store.load(), "cut at " + cut);
            Path aside = store.movedAside().orElseThrow(() -> new AssertionError("not moved aside at " + at));
            String notice = store.lastProblem().orElseThrow();
            assertTrue(notice.startsWith("The settings file " + store.file() + " was damaged (")
                    && notice.endsWith("was moved to " + aside + "; the defaults are used."), notice);
            assertFalse(Files.exists(store.file()));
            Files.delete(aside);
            cases++;
        }
        System.out.println("SettingsRecoveryTest: " + cases + " truncated settings files moved aside");
    }

    @Test
    void aSecondDamagedFileNeverOverwritesTheFirst() throws Exception {
        Files.writeString(store().file(), "{ first");
        SettingsStore one = store();
        one.load();
        Files.writeString(store().file(), "{ second");
        SettingsStore two = store();
        two.load();
        assertEquals(SettingsStore.FILE + ".broken-20261207-234510", one.movedAside().orElseThrow().getFileName().toString());
        assertEquals(SettingsStore.FILE + ".broken-20261207-234510-2", two.movedAside().orElseThrow().getFileName().toString());
        assertEquals("{ first", Files.readString(one.movedAside().get()));
    }

    @Test
    void leftoverTempFilesOfAKilledSaveAreRemovedAndTheSavedSettingsRead() throws Exception {
        store().save(custom());
        Path temp = dir.resolve("." + SettingsStore.FILE + ".abc123.part");
        Files.writeString(temp, "{\"theme\": \"da");
        SettingsStore store = store();
        assertEquals(custom(), store.load());
        assertEquals(Optional.empty(), store.lastProblem());
        assertFalse(Files.exists(temp));
    }

    @Test
    void aFullDiskIsReportedAndKeepsTheSavedSettings() throws Exception {
        store().save(custom());
        for (long free : new long[] {0, 10, 100}) {
            SettingsStore full = new SettingsStore(dir, new FullDisk(free).writer(), CLOCK);
            IOException e = assertThrows(IOException.class, () -> full.save(Settings.defaults()));
            assertEquals("Could not save " + full.file() + ": the disk is full.", e.getMessage());
        }
        assertEquals(custom(), store().load());
        assertEquals(0, FullDisk.leftovers(dir));
    }

    @Test
    void twoStoresOnOneFolderLastSaveWinsWhole() throws Exception {
        SettingsStore one = store();
        SettingsStore two = store();
        one.save(custom());
        two.save(Settings.defaults().withTheme(Settings.DARK));
        assertEquals(Settings.defaults().withTheme(Settings.DARK), store().load());
    }
}
