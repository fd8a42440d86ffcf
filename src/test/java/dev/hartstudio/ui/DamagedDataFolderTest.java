package dev.hartstudio.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.persistence.history.HistoryStore;
import dev.hartstudio.persistence.settings.Settings;
import dev.hartstudio.persistence.settings.SettingsStore;
import dev.hartstudio.ui.common.UserMessage;
import dev.hartstudio.ui.engine.BundleLocator;
import dev.hartstudio.ui.testing.FakeDesktop;
import dev.hartstudio.ui.testing.FakeEngine;
import dev.hartstudio.ui.testing.SyncTaskRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A studio started on a data folder whose settings and history files are damaged. */
class DamagedDataFolderTest {

    @TempDir
    Path dir;

    @Test
    void bothFilesAreMovedAsideAndBothNoticesAreShown() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve(SettingsStore.FILE), "{\"theme\": \"dark\", \"outputFol");
        Path history = Files.createDirectories(data.resolve(HistoryStore.FOLDER)).resolve(HistoryStore.FILE);
        Files.write(history, new byte[] {'[', '{', 0, 0, 0});
        StudioViewModel vm = new StudioViewModel(new StudioViewModel.Services(new SyncTaskRunner(),
                (f, p) -> new FakeEngine(), data, new BundleLocator(dir.resolve("none"), null, dir.resolve("i")),
                Clock.fixed(Instant.parse("2026-12-07T10:15:30Z"), ZoneOffset.UTC), () -> 9, new FakeDesktop()));
        vm.start();

        UserMessage message = vm.errors().getMessage();
        assertEquals(UserMessage.Severity.WARNING, message.severity());
        Path settingsAside = onlyMatch(data, SettingsStore.FILE + ".broken-");
        assertTrue(message.text().startsWith("The settings file " + data.resolve(SettingsStore.FILE) + " was damaged")
                && message.text().contains(settingsAside.toString()), message.text());
        assertEquals(Settings.defaults().theme(), vm.settings().settingsProperty().get().theme());

        Path historyAside = onlyMatch(history.getParent(), HistoryStore.FILE + ".broken-");
        String notice = vm.history().noticeProperty().get();
        assertTrue(notice.startsWith("The history file " + history + " was damaged")
                && notice.contains(historyAside.toString()), notice);
        assertTrue(vm.history().allEntries().isEmpty());
    }

    private static Path onlyMatch(Path folder, String prefix) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).reduce((a, b) -> {
                throw new AssertionError("two files " + a + " and " + b);
            }).orElseThrow(() -> new AssertionError("no " + prefix + " in " + folder));
        }
    }
}
