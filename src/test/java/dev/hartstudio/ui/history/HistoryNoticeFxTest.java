package dev.hartstudio.ui.history;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.persistence.history.HistoryStore;
import dev.hartstudio.ui.testing.FakeEngine;
import dev.hartstudio.ui.testing.StudioFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The studio started on a damaged history file shows a banner above the history list. */
@ExtendWith(ApplicationExtension.class)
class HistoryNoticeFxTest {

    @TempDir
    static Path data;

    private StudioFixture studio;
    private Path file;

    @Start
    void start(Stage stage) throws Exception {
        Path home = Files.createTempDirectory(data, "home");
        file = Files.createDirectories(home.resolve(HistoryStore.FOLDER)).resolve(HistoryStore.FILE);
        Files.writeString(file, "{\"format\": 2, \"entries\": [{\"id\": \"a\", \"seed\": 12");
        studio = StudioFixture.show(stage, home, (folder, provider) -> new FakeEngine(), home.resolve("bundle"));
    }

    @AfterEach
    void tearDown() {
        studio.close();
    }

    @Test
    void theBannerNamesTheMovedFileAndHidesWhenClicked(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS,
                () -> !studio.vm.history().noticeProperty().get().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        Label notice = robot.lookup("#historyNotice").queryAs(Label.class);
        assertTrue(notice.isVisible());
        assertTrue(notice.getText().startsWith("The history file " + file + " was damaged")
                && notice.getText().contains(HistoryStore.FILE + ".broken-"), notice.getText());
        robot.clickOn("#historyNotice");
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(notice.isVisible());
    }
}
