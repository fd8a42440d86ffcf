package dev.hartstudio.ui.create;

import dev.hartstudio.engine.generate.GenerationResult;
import dev.hartstudio.persistence.export.AnimatedGif;
import dev.hartstudio.persistence.export.ContactSheet;
import dev.hartstudio.persistence.export.Frame;
import dev.hartstudio.ui.common.ErrorReporter;
import dev.hartstudio.ui.common.TaskRunner;
import dev.hartstudio.ui.common.UserMessage;
import dev.hartstudio.ui.queue.GenerationJob;
import dev.hartstudio.ui.queue.Stage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;

/**
 * Exports the coarse-to-fine sequence of the shown generation: a contact sheet (PNG) and an
 * animated GIF, one labelled frame per scale and per diffusion step, then the final image.
 */
public final class ExportViewModel {

    /** Cell side of the sheet and frame side of the GIF, pixels. */
    public static final int FRAME_SIZE = 192;
    public static final int GIF_DELAY_MS = 350;
    public static final int GIF_LAST_DELAY_MS = 1500;

    private final CreateViewModel create;
    private final TaskRunner runner;
    private final ErrorReporter errors;
    private final BooleanBinding available;

    public ExportViewModel(CreateViewModel create, TaskRunner runner, ErrorReporter errors) {
        this.create = create;
        this.runner = runner;
        this.errors = errors;
        available = Bindings.createBooleanBinding(() -> !frames().isEmpty() && create.finishedBinding().get(),
                create.shownJobProperty(), create.jobTick(), create.finishedBinding());
    }

    // Properties

    /** The shown generation is finished and has frames to export. */
    public BooleanBinding availableBinding() {
        return available;
    }

    // Commands

    /**
     * The frames of the shown job: every stage that has a preview ("scale 3/8 · 3×3",
     * "diffusion 2/8"), then the final image ("final" or "stopped at scale k").
     */
    public List<Frame> frames() {
        GenerationJob job = create.getShownJob();
        List<Frame> out = new ArrayList<>();
        if (job == null) {
            return out;
        }
        for (Stage s : job.stages()) {
            if (s.preview() != null) {
                out.add(new Frame(s.preview(), s.label()));
            }
        }
        GenerationResult r = job.getResult();
        if (r != null) {
            out.add(new Frame(r.images().get(0), r.complete() ? "final" : "stopped at scale "
                    + (r.stoppedAtScale() + 1)));
        }
        return out;
    }

    /** Columns of the sheet: one row of scales, then rows of diffusion steps. */
    public int columns() {
        GenerationJob job = create.getShownJob();
        return job == null || job.model() == null ? 8 : Math.max(4, job.model().scales());
    }

    /** A file name next to the saved image: {@code <image>-sheet.png} / {@code <image>-sequence.gif}. */
    public String suggestedName(String suffix) {
        GenerationJob job = create.getShownJob();
        Path saved = job == null ? null : job.savedImageProperty().get();
        String base = saved == null ? "hart-sequence" : saved.getFileName().toString().replaceFirst("\\.png$", "");
        return base + suffix;
    }

    /** The folder of the saved image, if any. */
    public Path suggestedFolder() {
        GenerationJob job = create.getShownJob();
        Path saved = job == null ? null : job.savedImageProperty().get();
        return saved == null ? null : saved.toAbsolutePath().getParent();
    }

    /** Writes the contact sheet (background). */
    public void exportContactSheet(Path file) {
        List<Frame> frames = frames();
        int columns = columns();
        write(file, () -> ContactSheet.write(file, frames, columns, FRAME_SIZE));
    }

    /** Writes the animated GIF (background). */
    public void exportGif(Path file) {
        List<Frame> frames = frames();
        write(file, () -> AnimatedGif.write(file, frames, FRAME_SIZE, GIF_DELAY_MS, GIF_LAST_DELAY_MS));
    }

    private interface Write {
        void run() throws Exception;
    }

    private void write(Path file, Write action) {
        if (frames().isEmpty()) {
            errors.show(UserMessage.info("Nothing to export: the generation had previews off."));
            return;
        }
        runner.submit(() -> {
            action.run();
            return file;
        }, f -> errors.show(UserMessage.info("Exported " + f.getFileName() + " to " + f.getParent() + ".")),
                e -> errors.report("The export failed.", e));
    }
}
