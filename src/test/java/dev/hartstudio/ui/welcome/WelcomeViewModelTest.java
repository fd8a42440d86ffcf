package dev.hartstudio.ui.welcome;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.persistence.settings.SettingsStore;
import dev.hartstudio.ui.common.ErrorReporter;
import dev.hartstudio.ui.settings.SettingsViewModel;
import dev.hartstudio.ui.testing.SyncTaskRunner;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WelcomeViewModelTest {

    @TempDir
    Path data;

    /** A start of the studio over {@code data}: settings read from disk, as the app does. */
    private WelcomeViewModel start() {
        SettingsStore store = new SettingsStore(data);
        return new WelcomeViewModel(new SettingsViewModel(store, store.load(), new SyncTaskRunner(),
                new ErrorReporter(data.resolve("log.txt"))));
    }

    @Test
    void theFirstStartShowsTheNotice() {
        assertTrue(start().isShowing());
    }

    @Test
    void aDismissedNoticeStaysHiddenAtTheNextStart() {
        WelcomeViewModel first = start();
        first.dismiss();
        assertFalse(first.isShowing());
        assertFalse(start().isShowing(), "the next start remembers the dismissal");
    }

    @Test
    void helpShowsADismissedNoticeAgainWithoutForgettingTheDismissal() {
        WelcomeViewModel vm = start();
        vm.dismiss();
        vm.show();
        assertTrue(vm.isShowing());
        assertFalse(start().isShowing(), "showing it from Help does not bring it back at start-up");
    }

    @Test
    void theNoticeNamesTheOfficialExportCommandAndTheImportButton() {
        assertTrue(WelcomeViewModel.COMMANDS.contains("python -m hart_export official --llm hart-0.7b-1024px/llm"),
                WelcomeViewModel.COMMANDS);
        assertTrue(WelcomeViewModel.COMMANDS.contains("--text-model Qwen2-VL-1.5B-Instruct"), WelcomeViewModel.COMMANDS);
        assertTrue(WelcomeViewModel.THEN.contains("Import bundle…"), WelcomeViewModel.THEN);
        assertTrue(WelcomeViewModel.ABOUT_TINY.contains("HART-tiny"), WelcomeViewModel.ABOUT_TINY);
    }
}
