package dev.hartstudio.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.persistence.history.HistoryEntry;
import dev.hartstudio.ui.create.TimelineStrip;
import dev.hartstudio.ui.engine.EngineModel;
import dev.hartstudio.ui.queue.GenerationJob;
import dev.hartstudio.ui.testing.FakeEngine;
import dev.hartstudio.ui.testing.StudioFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
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

/** Wiring of the create view in the real window (headless Monocle), over the scripted engine. */
@ExtendWith(ApplicationExtension.class)
class StudioViewFxTest {

    @TempDir
    static Path data;

    private final FakeEngine engine = new FakeEngine();
    private StudioFixture studio;

    @Start
    void start(Stage stage) throws Exception {
        Path home = Files.createTempDirectory(data, "home");
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

    private void modelReady() throws Exception {
        waitFor(() -> studio.vm.engine().getState() == EngineModel.State.READY);
    }

    @Test
    void generateFillsTheTimelineAndAddsAHistoryEntry(FxRobot robot) throws Exception {
        modelReady();
        robot.clickOn("#prompt").write("a red cube");
        robot.clickOn("#generate");
        ListView<?> history = robot.lookup("#historyList").queryAs(ListView.class);
        waitFor(() -> history.getItems().size() == 1);
        TimelineStrip timeline = robot.lookup("#timeline").queryAs(TimelineStrip.class);
        assertEquals(FakeEngine.PATCHES.size() + FakeEngine.STEPS + 1, timeline.filledCount(), "stages and final");
        assertEquals("a red cube", ((HistoryEntry) history.getItems().get(0)).prompt());
        assertTrue(robot.lookup("#caption").queryAs(Label.class).getText().startsWith("Final"));
        Path saved = studio.vm.queue().getRunning() == null
                ? studio.vm.queue().jobs().get(0).savedImageProperty().get() : null;
        assertTrue(saved != null && Files.isRegularFile(saved), "the PNG is in the output folder");
    }

    @Test
    void theWarningUnderThePromptQuotesWhatTheModelReadsAndAControlCharacterDisablesGenerate(FxRobot robot)
            throws Exception {
        modelReady();
        robot.interact(() -> studio.vm.create().parameters().promptProperty()
                .set("a red circle and a blue square on the left"));
        Label warning = robot.lookup("#promptWarning").queryAs(Label.class);
        waitFor(warning::isVisible);
        assertEquals("The prompt is 10 tokens long; the model reads only the first 8, so it sees: "
                + "\"a red circle and a blue square on\".", warning.getText());
        assertEquals("10 / 8 tokens", robot.lookup("#promptTokens").queryAs(Label.class).getText());
        assertFalse(robot.lookup("#generate").queryAs(Button.class).isDisabled());

        robot.interact(() -> studio.vm.create().parameters().promptProperty().set("a red\u0007 circle"));
        Label refusal = robot.lookup("#promptRefusal").queryAs(Label.class);
        waitFor(refusal::isVisible);
        assertTrue(refusal.getText().contains("control character U+0007"), refusal.getText());
        assertFalse(warning.isVisible());
        assertTrue(robot.lookup("#generate").queryAs(Button.class).isDisabled());
    }

    @Test
    void ctrlEnterGeneratesAndEscapeCancels(FxRobot robot) throws Exception {
        modelReady();
        engine.beforeScale = s -> sleep(600);   // long enough to act on it even on a loaded machine
        robot.clickOn("#prompt").write("slow");
        robot.press(javafx.scene.input.KeyCode.CONTROL).press(javafx.scene.input.KeyCode.ENTER)
                .release(javafx.scene.input.KeyCode.ENTER).release(javafx.scene.input.KeyCode.CONTROL);
        waitFor(() -> studio.vm.queue().getRunning() != null);
        robot.type(javafx.scene.input.KeyCode.ESCAPE);
        waitFor(() -> studio.vm.queue().getRunning() == null);
        assertEquals(GenerationJob.State.CANCELLED, studio.vm.queue().jobs().get(0).getState());
        assertTrue(studio.vm.history().allEntries().isEmpty(), "a cancelled generation is not kept");
    }

    @Test
    void cancelButtonStopsTheRunningGeneration(FxRobot robot) throws Exception {
        modelReady();
        engine.beforeScale = s -> sleep(600);   // long enough to act on it even on a loaded machine
        robot.clickOn("#generate");
        waitFor(() -> !robot.lookup("#cancel").queryAs(Button.class).isDisabled());
        robot.clickOn("#cancel");
        waitFor(() -> studio.vm.queue().getRunning() == null);
        assertEquals(GenerationJob.State.CANCELLED, studio.vm.queue().jobs().get(0).getState());
        assertEquals("Cancelled", robot.lookup("#progressText").queryAs(Label.class).getText());
    }

    /** Generates "blue ball" with the fixed seed 77 and waits for its history entry. */
    private void generateBlueBallWithSeed77(FxRobot robot) throws Exception {
        modelReady();
        robot.clickOn("#prompt").write("blue ball");
        robot.interact(() -> {
            studio.vm.create().parameters().seedModeProperty().set(dev.hartstudio.ui.create.SeedMode.FIXED);
            studio.vm.create().parameters().seedTextProperty().set("77");
        });
        robot.clickOn("#generate");
        waitFor(() -> studio.vm.history().allEntries().size() == 1);
    }

    @Test
    void recallPutsTheEntrysSeedBackInTheField(FxRobot robot) throws Exception {
        generateBlueBallWithSeed77(robot);
        TextField seed = robot.lookup("#seed").queryAs(TextField.class);
        robot.interact(seed::clear);
        robot.clickOn(seed).write("12345");
        robot.interact(() -> studio.vm.create().parameters().promptProperty().set("something else"));
        robot.clickOn(robot.lookup("#historyList .list-cell").nth(0).queryAs(javafx.scene.Node.class));
        robot.clickOn("#historyRecallButSeed");
        assertEquals("12345", seed.getText());
        assertEquals("blue ball", studio.vm.create().parameters().promptProperty().get());
        robot.clickOn("#historyRecall");
        assertEquals("77", seed.getText());
    }

    @Test
    void aHistoryEntryCanBeBranchedFromItsContextMenu(FxRobot robot) throws Exception {
        generateBlueBallWithSeed77(robot);
        javafx.scene.Node cell = robot.lookup("#historyList .list-cell").nth(0).queryAs(javafx.scene.Node.class);
        robot.clickOn(cell);
        ListView<?> list = robot.lookup("#historyList").queryAs(ListView.class);
        javafx.geometry.Point2D at = cell.localToScreen(10, 10);
        robot.interact(() -> list.getContextMenu().show(cell, at.getX(), at.getY()));   // what a right-click opens
        robot.clickOn("Branch from scale");
        robot.clickOn("Keep scales 1–2, new seed");
        waitFor(() -> studio.vm.history().allEntries().size() == 2);
        var r = engine.requests.get(engine.requests.size() - 1);
        assertEquals(2, r.branch().fromScale());
        assertEquals(java.util.List.of(77L), r.branch().originalSeeds());
        HistoryEntry branched = studio.vm.history().allEntries().get(0);
        assertEquals(2, branched.branchFromScale());
        assertEquals(77L, branched.branchOriginalSeed(), "the history keeps what a re-run needs");
    }

    @Test
    void invalidValueIsShownAtTheFieldWithItsRange(FxRobot robot) throws Exception {
        modelReady();
        TextField cfg = robot.lookup("#cfg").queryAs(TextField.class);
        robot.interact(cfg::clear);
        robot.clickOn(cfg).write("99");
        Label error = robot.lookup("#cfgError").queryAs(Label.class);
        assertTrue(error.isVisible());
        assertTrue(error.getText().contains("0 to 50"), error.getText());
        assertTrue(cfg.getPseudoClassStates().stream().anyMatch(p -> p.getPseudoClassName().equals("invalid")));
        assertTrue(robot.lookup("#generate").queryAs(Button.class).isDisabled());
        robot.interact(cfg::clear);
        robot.clickOn(cfg).write("3");
        assertFalse(error.isVisible());
        assertFalse(robot.lookup("#generate").queryAs(Button.class).isDisabled());
    }

    @Test
    void closingDuringAGenerationCancelsItAndClosesTheEngine(FxRobot robot) throws Exception {
        modelReady();
        engine.beforeScale = s -> sleep(600);
        robot.clickOn("#generate");
        waitFor(() -> studio.vm.queue().getRunning() != null);
        GenerationJob job = studio.vm.queue().getRunning();
        long start = System.nanoTime();
        robot.interact(() -> studio.vm.shutdown());
        assertTrue(engine.closed, "the engine is closed once the generation stopped");
        assertTrue((System.nanoTime() - start) / 1e9 < 2, "the cancel is prompt");
        waitFor(() -> job.getState() == GenerationJob.State.CANCELLED);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
