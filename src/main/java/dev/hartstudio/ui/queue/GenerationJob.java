package dev.hartstudio.ui.queue;

import dev.hartstudio.engine.generate.GenerationControl;
import dev.hartstudio.engine.generate.GenerationEvent;
import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.engine.generate.GenerationResult;
import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.ui.engine.ModelInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * One queued generation and, once it runs, its live state: the stages streamed so far, progress,
 * time left and the result. Changed by {@link GenerationQueue} on the UI thread only.
 */
public final class GenerationJob {

    /** Life cycle of a job. */
    public enum State {
        WAITING, RUNNING, DONE, STOPPED, CANCELLED, FAILED;

        /** Whether the job has ended (successfully or not). */
        public boolean finished() {
            return this != WAITING && this != RUNNING;
        }
    }

    private final long id;
    private final GenerationRequest request;
    private final int branchFromScale;
    private final GenerationControl control = new GenerationControl();
    private final ReadOnlyObjectWrapper<State> state = new ReadOnlyObjectWrapper<>(this, "state", State.WAITING);
    private final ReadOnlyIntegerWrapper position = new ReadOnlyIntegerWrapper(this, "position");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress");
    private final ReadOnlyDoubleWrapper secondsLeft = new ReadOnlyDoubleWrapper(this, "secondsLeft", -1);
    private final ReadOnlyStringWrapper statusText = new ReadOnlyStringWrapper(this, "statusText", "Waiting");
    private final ObservableList<Stage> stages = FXCollections.observableArrayList();
    private final ObservableList<Stage> stagesView = FXCollections.unmodifiableObservableList(stages);
    private final ReadOnlyObjectWrapper<RgbImage> latestPreview = new ReadOnlyObjectWrapper<>(this, "latestPreview");
    private final ReadOnlyObjectWrapper<GenerationResult> result = new ReadOnlyObjectWrapper<>(this, "result");
    private final ReadOnlyObjectWrapper<Path> savedImage = new ReadOnlyObjectWrapper<>(this, "savedImage");
    private ModelInfo model;
    private EtaEstimator eta;
    private long stageNanos;
    private String error;

    GenerationJob(long id, GenerationRequest request, int branchFromScale) {
        this.id = id;
        this.request = request;
        this.branchFromScale = branchFromScale;
    }

    /** Sequence number in this session, from 1. */
    public long id() {
        return id;
    }

    public GenerationRequest request() {
        return request;
    }

    /** 1-based scale this job was branched from, 0 when it is not a branch. */
    public int branchFromScale() {
        return branchFromScale;
    }

    /** The model it ran on; null while waiting. */
    public ModelInfo model() {
        return model;
    }

    /** The failure message of a FAILED job. */
    public String error() {
        return error;
    }

    /** Prompt and seed, for lists. */
    public String label() {
        return request.prompts().get(0);
    }

    public long seed() {
        return request.seeds().get(0);
    }

    // Properties

    public ReadOnlyObjectProperty<State> stateProperty() {
        return state.getReadOnlyProperty();
    }

    public State getState() {
        return state.get();
    }

    /** 1-based place among the waiting jobs; 0 when not waiting. */
    public ReadOnlyIntegerProperty positionProperty() {
        return position.getReadOnlyProperty();
    }

    /** Fraction done, 0..1. */
    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    /** Estimated seconds left while running; -1 when unknown. */
    public ReadOnlyDoubleProperty secondsLeftProperty() {
        return secondsLeft.getReadOnlyProperty();
    }

    /** One line: "Waiting (#2)", "Scale 3/8 · 2 s left", "Done in 1.4 s", "Stopped at scale 4/8". */
    public ReadOnlyStringProperty statusTextProperty() {
        return statusText.getReadOnlyProperty();
    }

    /** The stages streamed so far, in order (scales, then diffusion steps). */
    public ObservableList<Stage> stages() {
        return stagesView;
    }

    /** The newest preview image (coalesced per frame by the runner). */
    public ReadOnlyObjectProperty<RgbImage> latestPreviewProperty() {
        return latestPreview.getReadOnlyProperty();
    }

    /** The result once DONE or STOPPED. */
    public ReadOnlyObjectProperty<GenerationResult> resultProperty() {
        return result.getReadOnlyProperty();
    }

    public GenerationResult getResult() {
        return result.get();
    }

    /** Where the image was saved, once it was. */
    public ReadOnlyObjectProperty<Path> savedImageProperty() {
        return savedImage.getReadOnlyProperty();
    }

    /** Whether a cancel was asked for (the engine ends the job CANCELLED within one step). */
    public boolean cancelRequested() {
        return control.isCancelled();
    }

    /** The control the engine watches (cancel, stop here). */
    GenerationControl control() {
        return control;
    }

    /** The stage times so far in milliseconds, for the chart. */
    public List<Double> stageMillis() {
        return stages.stream().map(s -> s.nanos() / 1e6).toList();
    }

    // Transitions (queue, UI thread)

    void setPosition(int p) {
        position.set(p);
        if (state.get() == State.WAITING) {
            statusText.set(p > 0 ? "Waiting (#" + p + ")" : "Waiting");
        }
    }

    void start(ModelInfo m, double[] previousStageNanos) {
        model = m;
        int steps = request.discreteOnly() ? 0 : m.diffusionSteps();
        eta = EtaEstimator.of(m.patchNums(), steps, previousStageNanos);
        state.set(State.RUNNING);
        position.set(0);
        progress.set(0);
        statusText.set("Encoding the prompt…");
    }

    void apply(GenerationEvent event) {
        if (state.get() != State.RUNNING) {
            return;
        }
        Stage stage;
        if (event instanceof GenerationEvent.ScaleDone s) {
            stage = new Stage(Stage.Kind.SCALE, s.scale(), s.scales(), s.patch(), first(s.previews()), s.nanos(),
                    s.tokens());
        } else if (event instanceof GenerationEvent.DiffusionStep d) {
            stage = new Stage(Stage.Kind.DIFFUSION, d.index(), d.steps(), 0, first(d.previews()), d.nanos(),
                    new int[0][]);
        } else {
            return;
        }
        stages.add(stage);
        stageNanos += stage.nanos();
        if (stage.preview() != null) {
            latestPreview.set(stage.preview());
        }
        int done = stages.size();
        progress.set(eta.progress(done));
        secondsLeft.set(eta.secondsLeft(done, stageNanos));
        String what = stage.kind() == Stage.Kind.SCALE
                ? "Scale " + (stage.index() + 1) + "/" + stage.count()
                : "Diffusion " + (stage.index() + 1) + "/" + stage.count();
        statusText.set(secondsLeft.get() < 0 ? what : what + " · " + formatSeconds(secondsLeft.get()) + " left");
    }

    void finish(GenerationResult r) {
        result.set(r);
        progress.set(1);
        secondsLeft.set(0);
        double total = r.timings().totalNanos() / 1e9;
        if (r.complete()) {
            state.set(State.DONE);
            statusText.set("Done in " + formatSeconds(total));
        } else {
            state.set(State.STOPPED);
            statusText.set("Stopped at scale " + (r.stoppedAtScale() + 1) + "/" + model.scales());
        }
        if (!r.images().isEmpty()) {
            latestPreview.set(r.images().get(0));
        }
    }

    void fail(String message) {
        error = message;
        state.set(State.FAILED);
        secondsLeft.set(-1);
        statusText.set("Failed: " + message);
    }

    void markCancelled() {
        state.set(State.CANCELLED);
        secondsLeft.set(-1);
        position.set(0);
        statusText.set("Cancelled");
    }

    /**
     * Frees the images of an old finished job (stage previews, tokens and the result): its PNG is in
     * the output folder and its entry in the history; the stage times stay for the table.
     */
    void compact() {
        if (!state.get().finished() || (stages.isEmpty() && result.get() == null)) {
            return;
        }
        stages.replaceAll(s -> new Stage(s.kind(), s.index(), s.count(), s.patch(), null, s.nanos(), new int[0][]));
        latestPreview.set(null);
        result.set(null);
    }

    /** Whether {@link #compact()} freed this job's images. */
    public boolean compacted() {
        return state.get().finished() && result.get() == null && latestPreview.get() == null
                && stages.stream().allMatch(s -> s.preview() == null);
    }

    /** Records where the finished image was saved. */
    public void setSavedImage(Path path) {
        savedImage.set(path);
    }

    /** The measured stage times, to seed the next estimate. */
    double[] stageNanosArray() {
        return stages.stream().mapToDouble(Stage::nanos).toArray();
    }

    private static RgbImage first(List<RgbImage> images) {
        return images == null || images.isEmpty() ? null : images.get(0);
    }

    /** "0.4 s", "12 s", "3 min 5 s". */
    public static String formatSeconds(double s) {
        if (s < 10) {
            return String.format(Locale.ROOT, "%.1f s", s);
        }
        if (s < 60) {
            return Math.round(s) + " s";
        }
        long t = Math.round(s);
        return t / 60 + " min " + t % 60 + " s";
    }
}
