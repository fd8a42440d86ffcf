package dev.hartstudio.ui.create;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.engine.ExecutionProvider;
import dev.hartstudio.engine.generate.PreviewMode;
import dev.hartstudio.persistence.export.Frame;
import dev.hartstudio.ui.common.ErrorReporter;
import dev.hartstudio.ui.engine.EngineModel;
import dev.hartstudio.ui.queue.GenerationQueue;
import dev.hartstudio.ui.testing.FakeEngine;
import dev.hartstudio.ui.testing.SyncTaskRunner;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportViewModelTest {

    @TempDir
    Path dir;

    private final FakeEngine engine = new FakeEngine();
    private final ErrorReporter errors = new ErrorReporter(null);
    private CreateViewModel create;
    private ExportViewModel vm;

    @BeforeEach
    void setUp() {
        SyncTaskRunner runner = new SyncTaskRunner();
        EngineModel model = new EngineModel(runner, (f, p) -> engine);
        model.open(List.of(Path.of("/b")), ExecutionProvider.AUTO, e -> { });
        create = new CreateViewModel(new ParametersViewModel(() -> 1), new GenerationQueue(runner, model::engine),
                model);
        create.parameters().promptProperty().set("p");
        vm = new ExportViewModel(create, runner, errors);
    }

    @Test
    void nothingToExportBeforeAGeneration() {
        assertTrue(vm.frames().isEmpty());
        assertFalse(vm.availableBinding().get());
    }

    @Test
    void framesAreEveryScaleEveryStepAndTheFinal() {
        create.generate();
        List<Frame> frames = vm.frames();
        assertEquals(FakeEngine.PATCHES.size() + FakeEngine.STEPS + 1, frames.size());
        assertEquals("scale 1/4 · 1×1", frames.get(0).label());
        assertEquals("diffusion 2/2", frames.get(5).label());
        assertEquals("final", frames.get(6).label());
        assertTrue(vm.availableBinding().get());
    }

    @Test
    void stoppedGenerationEndsWithItsCoarseResult() {
        engine.beforeScale = s -> {
            if (s == 1) {
                create.stopHere();
            }
        };
        create.generate();
        List<Frame> frames = vm.frames();
        assertEquals(3, frames.size());
        assertEquals("stopped at scale 2", frames.get(2).label());
    }

    @Test
    void previewsOffLeaveOnlyTheFinalImage() {
        create.parameters().previewModeProperty().set(PreviewMode.NONE);
        create.generate();
        assertEquals(1, vm.frames().size());
    }

    @Test
    void contactSheetAndGifAreWritten() throws Exception {
        create.generate();
        Path sheet = dir.resolve("s.png");
        Path gif = dir.resolve("s.gif");
        vm.exportContactSheet(sheet);
        vm.exportGif(gif);
        BufferedImage img = ImageIO.read(sheet.toFile());
        assertTrue(img.getWidth() > ExportViewModel.FRAME_SIZE * vm.columns());
        try (ImageInputStream in = ImageIO.createImageInputStream(Files.newInputStream(gif))) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            assertEquals(7, reader.getNumImages(true), "one GIF frame per exported frame");
        }
        assertTrue(errors.getMessage().text().startsWith("Exported"));
    }
}
