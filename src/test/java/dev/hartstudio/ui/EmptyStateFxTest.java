package dev.hartstudio.ui;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.engine.EngineException;
import dev.hartstudio.ui.engine.EngineModel;
import dev.hartstudio.ui.testing.StudioFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Button;
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

/** When no bundle loads, the window says why and offers to open one; nothing else breaks. */
@ExtendWith(ApplicationExtension.class)
class EmptyStateFxTest {

    @TempDir
    static Path data;

    private StudioFixture studio;

    @Start
    void start(Stage stage) throws Exception {
        Path home = Files.createTempDirectory(data, "home");
        studio = StudioFixture.show(stage, home, (folder, provider) -> {
            throw new EngineException("manifest.json: format is \"zip\", expected \"hart-bundle\".");
        }, home.resolve("broken"));
    }

    @AfterEach
    void tearDown() {
        studio.close();
    }

    @Test
    void brokenBundleShowsTheEmptyStateAndTheReason(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS,
                () -> studio.vm.engine().getState() == EngineModel.State.FAILED);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#emptyState").query().isVisible());
        assertFalse(robot.lookup("#previewPane").query().isVisible());
        String message = robot.lookup("#messageText").queryAs(Label.class).getText();
        assertTrue(message.startsWith("No model could be opened."), message);
        assertTrue(message.contains("hart-bundle"), message);
        robot.clickOn("#messageDetailsToggle");
        assertTrue(robot.lookup("#messageDetails").query().isVisible(), "details expand");
        assertTrue(robot.lookup("#generate").queryAs(Button.class).isDisabled());
        robot.clickOn("#navGallery");
        robot.clickOn("#navCreate");
        assertTrue(robot.lookup("#emptyState").query().isVisible(), "the window stays usable");
    }
}
