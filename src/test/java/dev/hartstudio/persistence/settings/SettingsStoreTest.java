package dev.hartstudio.persistence.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsStoreTest {

    @TempDir
    Path dir;

    @Test
    void missingFileGivesDefaults() {
        Settings s = new SettingsStore(dir).load();
        assertEquals(Settings.defaults(), s);
        assertEquals("auto", s.provider());
        assertEquals(Settings.LIGHT, s.theme());
    }

    @Test
    void savedSettingsReadBackEqual() throws Exception {
        SettingsStore store = new SettingsStore(dir);
        Settings s = Settings.defaults().withTheme(Settings.DARK).withProvider("cpu").withPreviewMode("FULL_DECODE")
                .withOutputFolder("/tmp/out").withBundleOpened("/b/one").withWindowSize(1200, 800);
        store.save(s);
        assertEquals(s, new SettingsStore(dir).load());
    }

    @Test
    void saveLeavesNoTemporaryFiles() throws Exception {
        new SettingsStore(dir).save(Settings.defaults());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve(SettingsStore.FILE)),
                    files.filter(f -> !f.getFileName().toString().equals(SettingsStore.LOCK)).toList());
        }
    }

    @Test
    void damagedFileIsKeptAsideAndDefaultsUsed() throws Exception {
        Files.writeString(dir.resolve(SettingsStore.FILE), "{ not json");
        SettingsStore store = new SettingsStore(dir);
        assertEquals(Settings.defaults(), store.load());
        assertTrue(store.lastProblem().isPresent());
        assertTrue(Files.exists(store.movedAside().orElseThrow()));
        assertTrue(store.movedAside().orElseThrow().getFileName().toString().startsWith(SettingsStore.FILE + ".broken-"));
    }

    @Test
    void unknownValuesFallBackToDefaults() throws Exception {
        Files.writeString(dir.resolve(SettingsStore.FILE), "{\"theme\":\"purple\",\"previewMode\":\"HOLOGRAM\"}");
        Settings s = new SettingsStore(dir).load();
        assertEquals(Settings.LIGHT, s.theme());
        assertEquals("LATENT_RGB", s.previewMode());
    }

    @Test
    void openingABundleMovesItToTheFrontOfRecent() {
        Settings s = Settings.defaults().withBundleOpened("a").withBundleOpened("b").withBundleOpened("a");
        assertEquals(List.of("a", "b"), s.recentBundles());
        assertEquals("a", s.lastBundle());
    }

    @Test
    void dataFolderFollowsPlatformConventions() {
        assertEquals(Path.of("/x/hart-studio"),
                DataFolder.resolve(null, "Linux", "/home/u", Map.of("XDG_DATA_HOME", "/x")));
        assertEquals(Path.of("/home/u/.local/share/hart-studio"), DataFolder.resolve(null, "Linux", "/home/u", Map.of()));
        assertEquals(Path.of("/Users/u/Library/Application Support/HART Studio"),
                DataFolder.resolve(null, "Mac OS X", "/Users/u", Map.of()));
        assertEquals(Path.of("C:/Users/u/AppData/Roaming", "HART Studio"),
                DataFolder.resolve(null, "Windows 11", "/home/u", Map.of("APPDATA", "C:/Users/u/AppData/Roaming")));
        assertEquals(Path.of("/override"), DataFolder.resolve("/override", "Linux", "/home/u", Map.of()));
    }
}
