package dev.hartstudio.ui.reconstruct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.engine.ExecutionProvider;
import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.engine.image.FitMode;
import dev.hartstudio.ui.common.ErrorReporter;
import dev.hartstudio.ui.engine.EngineModel;
import dev.hartstudio.ui.reconstruct.ReconstructViewModel.Layer;
import dev.hartstudio.ui.testing.FakeEngine;
import dev.hartstudio.ui.testing.SyncTaskRunner;
import dev.hartstudio.ui.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconstructViewModelTest {

    @TempDir
    Path dir;

    private final FakeEngine engine = new FakeEngine();
    private final ErrorReporter errors = new ErrorReporter(null);
    private ReconstructViewModel vm;
    private Path image;

    @BeforeEach
    void setUp() throws Exception {
        SyncTaskRunner runner = new SyncTaskRunner();
        EngineModel model = new EngineModel(runner, (f, p) -> engine);
        model.open(List.of(Path.of("/b")), ExecutionProvider.AUTO, e -> { });
        vm = new ReconstructViewModel(runner, model, errors);
        image = TestImages.writeLandscape(dir, "wide.png", 60, 30);
    }

    @Test
    void openingAnImageShowsMetricsAndTheFit() {
        vm.open(image);
        assertEquals(ReconstructViewModel.State.READY, vm.stateProperty().get());
        assertTrue(vm.fitDescriptionProperty().get().startsWith("60×30"), vm.fitDescriptionProperty().get());
        assertTrue(vm.fitDescriptionProperty().get().contains("crop"), vm.fitDescriptionProperty().get());
        assertTrue(vm.metricsText(Layer.DISCRETE).matches("PSNR \\d+\\.\\d\\d dB · SSIM \\d\\.\\d{3}"),
                vm.metricsText(Layer.DISCRETE));
        assertEquals("PSNR ∞ dB · SSIM 1.000", vm.metricsText(Layer.HYBRID), "the fake's hybrid is the input");
    }

    @Test
    void stepperStartsAtTheFullDiscreteAndWalksToTheHybrid() {
        vm.open(image);
        assertEquals(FakeEngine.PATCHES.size() + 1, vm.steps());
        assertEquals(3, vm.stepProperty().get());
        assertEquals("Discrete · scale 4/4 (4×4 tokens)", vm.stepLabelBinding().get());
        vm.nextStep();
        assertEquals("Hybrid · discrete + residual", vm.stepLabelBinding().get());
        assertSame(vm.resultProperty().get().hybrid(), vm.stepImageBinding().get());
        vm.nextStep();
        assertEquals(4, vm.stepProperty().get(), "the stepper stops at the hybrid");
        vm.stepProperty().set(0);
        vm.previousStep();
        assertEquals(0, vm.stepProperty().get());
        assertSame(vm.resultProperty().get().perScale().get(0), vm.stepImageBinding().get());
        assertEquals(vm.resultProperty().get().psnrPerScale()[0], vm.stepPsnrBinding().get());
    }

    @Test
    void psnrCurveHasOnePointPerScaleThenTheHybrid() {
        vm.open(image);
        List<ReconstructViewModel.Point> curve = vm.psnrCurve();
        assertEquals(List.of("s1", "s2", "s3", "s4", "hybrid"),
                curve.stream().map(ReconstructViewModel.Point::label).toList());
        assertTrue(curve.get(3).psnr() >= curve.get(0).psnr(), "finer scales reconstruct better");
    }

    @Test
    void tokenOverlayFollowsTheStepperScale() {
        vm.open(image);
        assertNull(vm.tokenOverlayBinding().get(), "off until asked for");
        vm.showTokensProperty().set(true);
        vm.stepProperty().set(2);
        RgbImage tokens = vm.tokenOverlayBinding().get();
        assertEquals(3, tokens.width());
        assertTrue(vm.stepIsScaleBinding().get());
        vm.stepProperty().set(4);
        assertNull(vm.tokenOverlayBinding().get(), "the hybrid has no token map");
        assertFalse(vm.stepIsScaleBinding().get());
    }

    @Test
    void errorMapsShareOneScale() {
        vm.open(image);
        assertNull(vm.error(Layer.ORIGINAL));
        float[] discrete = vm.error(Layer.DISCRETE);
        assertEquals(FakeEngine.SIZE * FakeEngine.SIZE, discrete.length);
        assertTrue(vm.errorScaleMax() > 0);
        assertNotNull(vm.errorImage(discrete));
        assertNotNull(vm.stepErrorBinding().get());
    }

    @Test
    void wipeStateIsKept() {
        vm.wipeModeProperty().set(true);
        vm.wipeLeftProperty().set(Layer.DISCRETE);
        vm.wipeRightProperty().set(Layer.HYBRID);
        vm.wipeProperty().set(0.25);
        vm.open(image);
        assertTrue(vm.wipeModeProperty().get());
        assertEquals(0.25, vm.wipeProperty().get());
        assertSame(vm.resultProperty().get().discrete(), vm.image(vm.wipeLeftProperty().get()));
    }

    @Test
    void changingTheFitReconstructsAgain() {
        vm.open(image);
        vm.fitModeProperty().set(FitMode.PAD);
        vm.refit();
        assertTrue(vm.fitDescriptionProperty().get().contains("pad"), vm.fitDescriptionProperty().get());
    }

    @Test
    void unreadableFileIsReportedAndTheOldResultKept() throws Exception {
        vm.open(image);
        Path bad = Files.writeString(dir.resolve("bad.png"), "not a png");
        vm.open(bad);
        assertEquals(ReconstructViewModel.State.READY, vm.stateProperty().get());
        assertNotNull(errors.getMessage());
        assertTrue(vm.statusTextProperty().get().contains("bad.png"), vm.statusTextProperty().get());
    }

    @Test
    void withoutAModelTheViewerSaysWhy() {
        ReconstructViewModel none = new ReconstructViewModel(new SyncTaskRunner(),
                new EngineModel(new SyncTaskRunner(), (f, p) -> engine), errors);
        none.open(image);
        assertEquals(ReconstructViewModel.State.FAILED, none.stateProperty().get());
        assertTrue(none.statusTextProperty().get().startsWith("Load a model"));
    }
}
