package dev.hartstudio.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.ui.engine.EngineModel;
import dev.hartstudio.ui.queue.GenerationJob;
import dev.hartstudio.ui.reconstruct.ReconstructViewModel;
import dev.hartstudio.ui.testing.FakeEngine;
import dev.hartstudio.ui.testing.StudioFixture;
import dev.hartstudio.ui.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
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

/** Wiring of the viewer, the metadata drop and the queue page in the real window (headless). */
@ExtendWith(ApplicationExtension.class)
class StudioPart2FxTest {

    @TempDir
    static Path data;

    private final FakeEngine engine = new FakeEngine();
    private StudioFixture studio;
    private Path home;

    @Start
    void start(Stage stage) throws Exception {
        home = Files.createTempDirectory(data, "home");
        studio = StudioFixture.show(stage, home, (folder, provider) -> engine, home.resolve("bundle"));
    }

    @AfterEach
    void tearDown() {
        studio.close();
    }

    private static void waitFor(Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, condition);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void viewerLoadsAnImageAndShowsMetrics(FxRobot robot) throws Exception {
        waitFor(() -> studio.vm.engine().getState() == EngineModel.State.READY);
        Path image = TestImages.writeLandscape(home, "wide.png", 90, 40);
        robot.clickOn("#navReconstruct");
        robot.interact(() -> studio.view.dropped(image));
        waitFor(() -> studio.vm.reconstruct().stateProperty().get() == ReconstructViewModel.State.READY);
        assertTrue(robot.lookup("#discretePsnr").queryAs(Label.class).getText().endsWith("dB"));
        assertEquals("∞ dB", robot.lookup("#hybridPsnr").queryAs(Label.class).getText());
        assertTrue(robot.lookup("#fitDescription").queryAs(Label.class).getText().startsWith("90×40"));
        robot.clickOn("#stepPrevious");
        assertEquals("Discrete · scale 3/4 (3×3 tokens)", robot.lookup("#stepLabel").queryAs(Label.class).getText());
        robot.clickOn("#showTokens");
        assertTrue(robot.lookup("#reconStep").queryAs(dev.hartstudio.ui.common.ImageCanvas.class)
                .overlayProperty().get() != null);
        robot.clickOn("#layoutWipe");
        assertTrue(robot.lookup("#reconWipe").query().isVisible());
    }

    @Test
    void droppingOurPngRestoresItsParameters(FxRobot robot) throws Exception {
        waitFor(() -> studio.vm.engine().getState() == EngineModel.State.READY);
        Path png = TestImages.writeOurs(home.resolve("ours.png"), "a glass bird", 4242);
        robot.interact(() -> studio.view.dropped(png));
        waitFor(() -> robot.lookup("#metadataBar").query().isVisible());
        assertTrue(robot.lookup("#metadataSummary").queryAs(Label.class).getText().contains("a glass bird"));
        robot.clickOn("#metadataRecallAll");
        assertEquals("4242", robot.lookup("#seed").queryAs(TextField.class).getText());
        assertEquals("3.5", robot.lookup("#cfg").queryAs(TextField.class).getText());
        assertTrue(!robot.lookup("#metadataBar").query().isVisible());
    }

    @Test
    void droppingAPngWithoutParametersIsReported(FxRobot robot) throws Exception {
        waitFor(() -> studio.vm.engine().getState() == EngineModel.State.READY);
        Path plain = TestImages.writeLandscape(home, "plain.png", 12, 12);
        robot.interact(() -> studio.view.dropped(plain));
        waitFor(() -> robot.lookup("#messageBanner").query().isVisible());
        assertTrue(robot.lookup("#messageText").queryAs(Label.class).getText().contains("plain.png"));
    }

    @Test
    void queuedBatchCompletesInOrder(FxRobot robot) throws Exception {
        waitFor(() -> studio.vm.engine().getState() == EngineModel.State.READY);
        List<Long> order = new CopyOnWriteArrayList<>();
        engine.beforeScale = s -> {
            if (s == 0) {
                order.add(engine.requests.get(engine.requests.size() - 1).seeds().get(0));
            }
        };
        robot.clickOn("#navQueue");
        robot.clickOn("#queuePrompts").write("a cat\na dog");
        TextField from = robot.lookup("#queueSeedFrom").queryAs(TextField.class);
        TextField to = robot.lookup("#queueSeedTo").queryAs(TextField.class);
        robot.interact(from::clear);
        robot.clickOn(from).write("7");
        robot.interact(to::clear);
        robot.clickOn(to).write("8");
        assertEquals("Add 4 jobs to the queue", robot.lookup("#queueAdd").queryAs(Button.class).getText());
        robot.clickOn("#queueAdd");
        waitFor(() -> studio.vm.history().allEntries().size() == 4);
        TableView<?> table = robot.lookup("#queueTable").queryAs(TableView.class);
        assertEquals(4, table.getItems().size());
        assertEquals(List.of(7L, 8L, 7L, 8L), order);
        assertEquals(List.of("a cat", "a cat", "a dog", "a dog"),
                engine.requests.stream().map(r -> r.prompts().get(0)).toList());
        assertTrue(studio.vm.queue().jobs().stream().allMatch(j -> j.getState() == GenerationJob.State.DONE));
        assertEquals("Queue idle", robot.lookup("#queueEta").queryAs(Label.class).getText());
    }
}
