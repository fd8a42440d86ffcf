package dev.hartstudio.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.engine.BuildInfo;
import dev.hartstudio.ui.engine.EngineModel;
import dev.hartstudio.ui.testing.FakeEngine;
import dev.hartstudio.ui.testing.StudioFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The first-run notice (shown once, dismissible, back from Help) and Help ▸ About in the real window. */
@ExtendWith(ApplicationExtension.class)
class WelcomeAndAboutFxTest {

    @TempDir
    static Path data;

    private StudioFixture studio;
    private Path home;

    @Start
    void start(Stage stage) throws Exception {
        home = Files.createTempDirectory(data, "home");
        FakeEngine engine = new FakeEngine();
        studio = StudioFixture.show(stage, home, (folder, provider) -> engine, home.resolve("bundle"), true);
    }

    @AfterEach
    void tearDown() {
        studio.close();
    }

    @Test
    void theFirstStartShowsTheNoticeAndGotItDismissesItForLaterStarts(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#welcome").query().isVisible(), "shown at the first start");
        String commands = robot.lookup("#welcomeCommands").queryAs(TextArea.class).getText();
        assertTrue(commands.contains("hart_export official"), commands);
        robot.clickOn("#welcomeDismiss");
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(robot.lookup("#welcome").query().isVisible(), "Got it hides it");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Files.readString(home.resolve("settings.json"))
                .contains("\"welcomeDismissed\": true"));
    }

    @Test
    void helpGettingStartedBringsTheNoticeBack(FxRobot robot) {
        robot.clickOn("#welcomeDismiss");
        robot.clickOn("#helpMenu");
        robot.clickOn("#helpGettingStarted");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#welcome").query().isVisible());
    }

    @Test
    void aboutShowsVersionOnnxRuntimeFlavourProviderAndBundle(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> studio.vm.engine().getState() == EngineModel.State.READY);
        robot.clickOn("#helpMenu");
        robot.clickOn("#helpAbout");
        WaitForAsyncUtils.waitForFxEvents();
        BuildInfo build = BuildInfo.current();
        assertEquals(build.version(), robot.lookup("#aboutHARTStudio").queryAs(TextField.class).getText());
        String ort = robot.lookup("#aboutONNXRuntime").queryAs(TextField.class).getText();
        assertTrue(ort.startsWith(build.onnxRuntimeVersion() + ", " + build.flavour().label()), ort);
        assertEquals("CPU (no NVIDIA driver found)", robot.lookup("#aboutProvider").queryAs(TextField.class).getText());
        String bundle = robot.lookup("#aboutBundle").queryAs(TextField.class).getText();
        assertTrue(bundle.startsWith("fake ("), bundle);
        robot.press(javafx.scene.input.KeyCode.ESCAPE).release(javafx.scene.input.KeyCode.ESCAPE);
    }
}
