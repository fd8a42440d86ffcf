package dev.hartstudio.ui.create;

import dev.hartstudio.engine.generate.Branch;
import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.engine.generate.GenerationResult;
import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.ui.common.Colormaps;
import dev.hartstudio.ui.engine.EngineModel;
import dev.hartstudio.ui.queue.GenerationJob;
import dev.hartstudio.ui.queue.GenerationQueue;
import dev.hartstudio.ui.queue.Stage;
import java.util.ArrayList;
import java.util.List;
import javafx.beans.InvalidationListener;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.ObjectBinding;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;

/**
 * The create view: parameters, the generation shown on the canvas (the newest job, or an image
 * opened from history), which stage of it is shown, and the commands Generate, Cancel, Stop here
 * and Branch from this scale.
 */
public final class CreateViewModel {

    /** What the canvas shows of a finished generation. */
    public enum FinalView {
        HYBRID("Hybrid", "Hybrid"), DISCRETE("Discrete only", "Discrete"), RESIDUAL("Residual heatmap", "Residual");

        private final String label;
        private final String shortLabel;

        FinalView(String label, String shortLabel) {
            this.label = label;
            this.shortLabel = shortLabel;
        }

        /** One word, for toggle buttons. */
        public String shortLabel() {
            return shortLabel;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** Stage index meaning "the final image" (or the newest stage while running). */
    public static final int FINAL = -1;

    private final ParametersViewModel parameters;
    private final GenerationQueue queue;
    private final EngineModel engine;
    private final ReadOnlyObjectWrapper<GenerationJob> shownJob = new ReadOnlyObjectWrapper<>(this, "shownJob");
    private final ReadOnlyObjectWrapper<RgbImage> openedImage = new ReadOnlyObjectWrapper<>(this, "openedImage");
    private final ReadOnlyObjectWrapper<String> openedCaption = new ReadOnlyObjectWrapper<>(this, "openedCaption");
    private final IntegerProperty selectedStage = new SimpleIntegerProperty(this, "selectedStage", FINAL);
    private final ObjectProperty<FinalView> finalView = new SimpleObjectProperty<>(this, "finalView", FinalView.HYBRID);
    private final ReadOnlyIntegerWrapper jobTick = new ReadOnlyIntegerWrapper(this, "jobTick");
    private final ObjectBinding<RgbImage> displayedImage;
    private final StringBinding caption;
    private final BooleanBinding canGenerate;
    private final BooleanBinding running;
    private final BooleanBinding finished;
    private final InvalidationListener jobChanged = o -> jobTick.set(jobTick.get() + 1);

    public CreateViewModel(ParametersViewModel parameters, GenerationQueue queue, EngineModel engine) {
        this.parameters = parameters;
        this.queue = queue;
        this.engine = engine;
        parameters.modelProperty().bind(engine.modelProperty());
        running = queue.runningProperty().isNotNull();
        canGenerate = engine.readyBinding().and(parameters.validBinding());
        queue.latestProperty().addListener((obs, old, job) -> show(job));
        shownJob.addListener((obs, old, job) -> {
            if (old != null) {
                old.stages().removeListener(jobChanged);
                old.resultProperty().removeListener(jobChanged);
                old.latestPreviewProperty().removeListener(jobChanged);
                old.stateProperty().removeListener(jobChanged);
            }
            if (job != null) {
                job.stages().addListener(jobChanged);
                job.resultProperty().addListener(jobChanged);
                job.latestPreviewProperty().addListener(jobChanged);
                job.stateProperty().addListener(jobChanged);
            }
            jobChanged.invalidated(null);
        });
        displayedImage = Bindings.createObjectBinding(this::computeImage, shownJob, openedImage, selectedStage,
                finalView, jobTick);
        caption = Bindings.createStringBinding(this::computeCaption, shownJob, openedCaption, selectedStage, finalView,
                jobTick);
        finished = Bindings.createBooleanBinding(() -> shownJob.get() != null && shownJob.get().getResult() != null,
                shownJob, jobTick);
    }

    // Properties

    public ParametersViewModel parameters() {
        return parameters;
    }

    public GenerationQueue queue() {
        return queue;
    }

    /** The generation on the canvas, or null (nothing yet, or a history image is open). */
    public ReadOnlyObjectProperty<GenerationJob> shownJobProperty() {
        return shownJob.getReadOnlyProperty();
    }

    public GenerationJob getShownJob() {
        return shownJob.get();
    }

    /** Index into the shown job's stages, or {@link #FINAL}. */
    public IntegerProperty selectedStageProperty() {
        return selectedStage;
    }

    /** Hybrid, discrete-only or residual heatmap, for the finished image. */
    public ObjectProperty<FinalView> finalViewProperty() {
        return finalView;
    }

    /** The image on the canvas, or null. */
    public ObjectBinding<RgbImage> displayedImageBinding() {
        return displayedImage;
    }

    /** What the canvas shows, in words: "Scale 3/8 · 3×3", "Final · hybrid", "Stopped at scale 4/8". */
    public StringBinding captionBinding() {
        return caption;
    }

    /** A model is loaded and every field is valid. */
    public BooleanBinding canGenerateBinding() {
        return canGenerate;
    }

    /** A generation is running. */
    public BooleanBinding runningBinding() {
        return running;
    }

    /** The shown generation has a result (done or stopped). */
    public BooleanBinding finishedBinding() {
        return finished;
    }

    // Commands

    /** Queues one generation per image of the batch; false when a field is invalid or no model is loaded. */
    public boolean generate() {
        if (!canGenerate.get()) {
            return false;
        }
        List<GenerationRequest> requests = parameters.takeRequests();
        if (requests.isEmpty()) {
            return false;
        }
        queue.enqueue(requests, 0);
        return true;
    }

    /** Cancels the running generation and everything queued (Esc). */
    public void cancel() {
        queue.cancelAll();
    }

    /** Keeps the coarse result of the running generation. */
    public void stopHere() {
        queue.stopHere();
    }

    /** Whether stage {@code index} of the shown job can be branched from (a scale before the last). */
    public boolean canBranchFrom(int index) {
        GenerationJob job = shownJob.get();
        if (job == null || index < 0 || index >= job.stages().size() || engine.getModel() == null) {
            return false;
        }
        Stage s = job.stages().get(index);
        return s.kind() == Stage.Kind.SCALE && s.index() + 1 < s.count() && job.request().batch() == 1;
    }

    /**
     * Queues a generation that keeps scales 1..k (k = the scale of stage {@code index}) of the shown
     * job and resamples the rest with a fresh seed. The kept scales' random draws (their Gumbel
     * noise) come from the seed that first drew each of them, also when the job is itself a branch.
     */
    public boolean branchFrom(int index) {
        if (!canBranchFrom(index)) {
            return false;
        }
        GenerationJob job = shownJob.get();
        int keep = job.stages().get(index).index() + 1;
        int[][][] tokens = new int[keep][][];
        for (int s = 0; s < keep; s++) {
            tokens[s] = job.stages().get(s).tokens();
        }
        // a branch of a branch: the parent chain gives every kept scale the seed that first drew it
        Branch branch = new Branch(keep, job.request().seeds(), tokens, job.request().branch());
        queue.enqueue(List.of(parameters.branchRequest(job.request(), branch)), keep);
        return true;
    }

    /** Shows {@code job} on the canvas (its newest stage). */
    public void show(GenerationJob job) {
        openedImage.set(null);
        openedCaption.set(null);
        selectedStage.set(FINAL);
        shownJob.set(job);
    }

    /** Shows an image that is not a job of this session (opened from history). */
    public void showImage(RgbImage image, String text) {
        shownJob.set(null);
        selectedStage.set(FINAL);
        openedCaption.set(text);
        openedImage.set(image);
    }

    /** The stage times of the shown job in milliseconds with labels, for the chart. */
    public List<StageTime> stageTimes() {
        GenerationJob job = shownJob.get();
        List<StageTime> out = new ArrayList<>();
        if (job == null) {
            return out;
        }
        for (Stage s : job.stages()) {
            out.add(new StageTime(s.shortLabel(), s.kind() == Stage.Kind.SCALE, s.nanos() / 1e6));
        }
        return out;
    }

    /** A bar of the stage-time chart. */
    public record StageTime(String label, boolean scale, double millis) {
    }

    /** Increments whenever the shown job changes in any way (for views that redraw). */
    public ReadOnlyIntegerWrapper jobTick() {
        return jobTick;
    }

    // Derived state

    private RgbImage computeImage() {
        GenerationJob job = shownJob.get();
        if (job == null) {
            return openedImage.get();
        }
        int i = selectedStage.get();
        if (i >= 0 && i < job.stages().size()) {
            return job.stages().get(i).preview();
        }
        GenerationResult r = job.getResult();
        if (r == null) {
            return job.latestPreviewProperty().get();
        }
        return switch (finalView.get()) {
            case HYBRID -> r.images().get(0);
            case DISCRETE -> {
                List<RgbImage> d = r.discrete().ifDecoded();
                yield d == null || d.isEmpty() ? r.images().get(0) : d.get(0);
            }
            case RESIDUAL -> r.residualHeat().isEmpty() ? r.images().get(0)
                    : Colormaps.squareHeatImage(r.residualHeat().get(0));
        };
    }

    private String computeCaption() {
        GenerationJob job = shownJob.get();
        if (job == null) {
            return openedCaption.get() == null ? "" : openedCaption.get();
        }
        int i = selectedStage.get();
        if (i >= 0 && i < job.stages().size()) {
            Stage s = job.stages().get(i);
            return s.preview() == null ? s.label() + " (previews are off)" : capitalise(s.label());
        }
        GenerationResult r = job.getResult();
        if (r == null) {
            return job.stages().isEmpty() ? job.statusTextProperty().get()
                    : capitalise(job.stages().get(job.stages().size() - 1).label()) + " (live)";
        }
        if (!r.complete()) {
            return "Stopped at scale " + (r.stoppedAtScale() + 1) + "/" + job.model().scales()
                    + " · coarse result";
        }
        if (r.request().discreteOnly()) {
            return "Final · discrete tokens only (diffusion off)";
        }
        return switch (finalView.get()) {
            case HYBRID -> "Final · hybrid (discrete + residual)";
            case DISCRETE -> r.discrete().isDecoded() ? "Final · discrete tokens only"
                    : "Final · hybrid (the discrete-only image could not be decoded)";
            case RESIDUAL -> String.format(java.util.Locale.ROOT, "Residual added by diffusion · max %.3f",
                    r.residualHeat().isEmpty() ? 0 : Colormaps.max(r.residualHeat().get(0)));
        };
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
