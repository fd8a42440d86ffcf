package dev.hartstudio.ui.create;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.engine.ExecutionProvider;
import dev.hartstudio.engine.generate.Branch;
import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.ui.engine.EngineModel;
import dev.hartstudio.ui.queue.GenerationJob;
import dev.hartstudio.ui.queue.GenerationQueue;
import dev.hartstudio.ui.testing.FakeEngine;
import dev.hartstudio.ui.testing.SyncTaskRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CreateViewModelTest {

    private final FakeEngine engine = new FakeEngine();
    private final AtomicLong dice = new AtomicLong(1000);
    private CreateViewModel vm;
    private ParametersViewModel params;

    @BeforeEach
    void setUp() {
        SyncTaskRunner runner = new SyncTaskRunner();
        EngineModel model = new EngineModel(runner, (folder, provider) -> engine);
        model.open(List.of(Path.of("/bundles/fake")), ExecutionProvider.AUTO, e -> { });
        GenerationQueue queue = new GenerationQueue(runner, model::engine);
        params = new ParametersViewModel(dice::incrementAndGet);
        vm = new CreateViewModel(params, queue, model);
        params.promptProperty().set("a red cube");
        params.seedModeProperty().set(SeedMode.FIXED);
        params.seedTextProperty().set("3");
    }

    @Test
    void nothingIsShownBeforeTheFirstGeneration() {
        assertNull(vm.displayedImageBinding().get());
        assertTrue(vm.canGenerateBinding().get());
    }

    @Test
    void generateShowsTheNewJobWithEveryStageAndTheFinalImage() {
        assertTrue(vm.generate());
        GenerationJob job = vm.getShownJob();
        assertNotNull(job);
        assertEquals(6, job.stages().size());
        assertEquals(GenerationJob.State.DONE, job.getState());
        assertSame(job.getResult().images().get(0), vm.displayedImageBinding().get());
        assertEquals("Final · hybrid (discrete + residual)", vm.captionBinding().get());
        assertTrue(vm.finishedBinding().get());
    }

    @Test
    void batchQueuesOneJobPerImage() {
        params.batchTextProperty().set("3");
        vm.generate();
        assertEquals(List.of(3L, 4L, 5L), engine.seeds());
        assertEquals(5L, vm.getShownJob().seed(), "the canvas follows the newest job");
    }

    @Test
    void invalidFieldBlocksGenerate() {
        params.cfgTextProperty().set("99");
        assertFalse(vm.canGenerateBinding().get());
        assertFalse(vm.generate());
        assertTrue(engine.requests.isEmpty());
    }

    @Test
    void selectingAStageShowsItsPreview() {
        vm.generate();
        vm.selectedStageProperty().set(1);
        RgbImage shown = vm.displayedImageBinding().get();
        assertEquals(2, shown.width(), "scale 2 of the fake engine is 2x2");
        assertEquals("Scale 2/4 · 2×2", vm.captionBinding().get());
        vm.selectedStageProperty().set(CreateViewModel.FINAL);
        assertEquals(FakeEngine.SIZE, vm.displayedImageBinding().get().width());
    }

    @Test
    void aDiscreteImageThatCannotBeDecodedKeepsTheFinishedImageAndSaysSo() {
        engine.discreteFailsWith = new dev.hartstudio.engine.EngineException("decoder gone");
        vm.generate();
        GenerationJob job = vm.getShownJob();
        assertNotNull(job.getResult(), "the generation still finishes");
        vm.finalViewProperty().set(CreateViewModel.FinalView.DISCRETE);
        assertSame(job.getResult().images().get(0), vm.displayedImageBinding().get());
        assertTrue(vm.captionBinding().get().contains("could not be decoded"), vm.captionBinding().get());
    }

    @Test
    void finalViewSwitchesBetweenHybridDiscreteAndResidual() throws Exception {
        vm.generate();
        GenerationJob job = vm.getShownJob();
        assertTrue(job.getResult().discrete().isDecoded(), "the queue decodes the discrete image before the job ends");
        vm.finalViewProperty().set(CreateViewModel.FinalView.DISCRETE);
        assertSame(job.getResult().discreteImages().get(0), vm.displayedImageBinding().get());
        vm.finalViewProperty().set(CreateViewModel.FinalView.RESIDUAL);
        RgbImage heat = vm.displayedImageBinding().get();
        assertEquals(4, heat.width(), "one heat cell per finest latent cell");
        assertTrue(vm.captionBinding().get().startsWith("Residual"));
    }

    @Test
    void branchKeepsTheCoarseTokensAndUsesANewSeed() {
        vm.generate();
        GenerationJob original = vm.getShownJob();
        assertTrue(vm.canBranchFrom(1));
        assertFalse(vm.canBranchFrom(3), "the last scale has nothing left to resample");
        assertFalse(vm.canBranchFrom(4), "diffusion steps are not scales");
        assertTrue(vm.branchFrom(1));
        GenerationRequest r = engine.requests.get(1);
        assertEquals(2, r.branch().fromScale());
        assertEquals(List.of(3L), r.branch().originalSeeds());
        assertEquals(2, r.branch().tokens().length);
        assertArrayEquals(original.stages().get(1).tokens()[0], r.branch().tokens()[1][0]);
        assertEquals(1001L, r.seeds().get(0));
        assertEquals(2, vm.getShownJob().branchFromScale());
        assertArrayEquals(original.getResult().tokens()[0][0], vm.getShownJob().getResult().tokens()[0][0]);
    }

    @Test
    void branchingABranchDrawsEachKeptScaleWithTheSeedThatFirstDrewIt() {
        vm.generate();                                  // seed 3
        assertTrue(vm.branchFrom(1));                   // keeps scales 1-2; scales 3-4 with the new seed
        long first = engine.requests.get(1).seeds().get(0);
        assertTrue(vm.branchFrom(2));                   // of that branch: keeps scales 1-3
        GenerationRequest r = engine.requests.get(2);
        assertEquals(3, r.branch().fromScale());
        assertEquals(List.of(first), r.branch().originalSeeds());
        assertEquals(2, r.branch().parent().fromScale());
        assertEquals(3L, Branch.seedAt(r.branch(), r.seeds(), 0, 0));
        assertEquals(3L, Branch.seedAt(r.branch(), r.seeds(), 0, 1));
        assertEquals(first, Branch.seedAt(r.branch(), r.seeds(), 0, 2));
        assertEquals(r.seeds().get(0), Branch.seedAt(r.branch(), r.seeds(), 0, 3));
    }

    @Test
    void stopHereLabelsTheCoarseResult() {
        engine.beforeScale = s -> {
            if (s == 2) {
                vm.stopHere();
            }
        };
        vm.generate();
        assertEquals("Stopped at scale 3/4 · coarse result", vm.captionBinding().get());
        assertNotNull(vm.displayedImageBinding().get());
    }

    @Test
    void cancelEndsTheRunningJobWithoutAResult() {
        engine.beforeScale = s -> {
            if (s == 1) {
                vm.cancel();
            }
        };
        vm.generate();
        assertEquals(GenerationJob.State.CANCELLED, vm.getShownJob().getState());
        assertFalse(vm.finishedBinding().get());
        assertFalse(vm.runningBinding().get());
    }

    @Test
    void openingAnImageReplacesTheJobOnTheCanvas() {
        vm.generate();
        RgbImage image = FakeEngine.image(8, 1, 1);
        vm.showImage(image, "From history");
        assertNull(vm.getShownJob());
        assertSame(image, vm.displayedImageBinding().get());
        assertEquals("From history", vm.captionBinding().get());
    }

    @Test
    void stageTimesFollowTheStages() {
        vm.generate();
        List<CreateViewModel.StageTime> times = vm.stageTimes();
        assertEquals(6, times.size());
        assertEquals("s1", times.get(0).label());
        assertEquals(1.0, times.get(0).millis(), 1e-9);
        assertFalse(times.get(5).scale());
    }
}
