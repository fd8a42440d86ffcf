package dev.hartstudio.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.ui.create.TimelineStrip;
import dev.hartstudio.ui.engine.EngineModel;
import dev.hartstudio.ui.engine.HartStudioEngine;
import dev.hartstudio.ui.engine.ModelInfo;
import dev.hartstudio.ui.queue.GenerationJob;
import dev.hartstudio.ui.testing.StudioFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The studio over the real engine and the tiny random bundle: one generation end to end. */
@ExtendWith(ApplicationExtension.class)
class RealEngineFxTest {

    static final Path BUNDLE = Path.of("src/test/resources/bundles/tiny-random");

    @TempDir
    static Path data;

    private StudioFixture studio;
    private boolean closed;

    @Start
    void start(Stage stage) throws Exception {
        studio = StudioFixture.show(stage, Files.createTempDirectory(data, "home"), HartStudioEngine::open,
                BUNDLE.toAbsolutePath());
    }

    @AfterEach
    void tearDown() {
        if (!closed) {
            studio.close();
        }
    }

    @Test
    void closingTheStudioMidGenerationCancelsAndFinishesWithinASecond(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS,
                () -> studio.vm.engine().getState() == EngineModel.State.READY);
        robot.interact(() -> {
            studio.vm.create().parameters().promptProperty().set("a red circle");
            studio.vm.create().parameters().batchTextProperty().set("16");   // always one in flight
        });
        robot.interact(() -> studio.vm.create().generate());
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> {
            GenerationJob running = studio.vm.queue().getRunning();
            return running != null && !running.stages().isEmpty();
        });
        long t0 = System.nanoTime();
        robot.interact(() -> {
            studio.close();
            closed = true;
        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "closing the studio mid-generation took %.3f s%n", seconds);
        assertTrue(seconds < 1.0, "closing took " + seconds + " s");
        assertTrue(studio.runner.isTerminated(), "every worker thread has finished");
        assertTrue(studio.vm.engine().engine().isEmpty(), "the engine is closed");
        // The job the window showed as running may have ended in the engine meanwhile; what must hold is
        // that nothing goes on: every job has ended or was told to stop, and the waiting ones are cancelled.
        assertTrue(studio.vm.queue().jobs().stream().allMatch(j -> j.getState().finished() || j.cancelRequested()),
                "every job ended or was cancelled");
        assertTrue(studio.vm.queue().jobs().stream().anyMatch(j -> j.getState() == GenerationJob.State.CANCELLED),
                "the queued images were cancelled");
    }

    @Test
    void tinyRandomBundleGeneratesWithEveryStageStreamed(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS,
                () -> studio.vm.engine().getState() == EngineModel.State.READY);
        ModelInfo model = studio.vm.engine().getModel();
        assertEquals("tiny-random-s0", model.name());
        robot.clickOn("#prompt").write("a red apple");
        robot.clickOn("#generate");
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> studio.vm.history().allEntries().size() == 1);
        WaitForAsyncUtils.waitForFxEvents();
        GenerationJob job = studio.vm.queue().jobs().get(0);
        assertEquals(GenerationJob.State.DONE, job.getState());
        assertEquals(model.scales() + model.diffusionSteps(), job.stages().size());
        assertEquals(model.resolution(), job.getResult().images().get(0).width());
        TimelineStrip timeline = robot.lookup("#timeline").queryAs(TimelineStrip.class);
        assertEquals(model.scales() + model.diffusionSteps() + 1, timeline.filledCount());
        assertTrue(Files.isRegularFile(job.savedImageProperty().get()));
    }
}
