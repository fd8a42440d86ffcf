package dev.hartstudio.ui.reconstruct;

import dev.hartstudio.engine.CancelToken;
import dev.hartstudio.engine.generate.ReconstructionResult;
import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.engine.image.FitMode;
import dev.hartstudio.engine.image.FittedImage;
import dev.hartstudio.engine.image.ImageFit;
import dev.hartstudio.engine.image.Metrics;
import dev.hartstudio.ui.common.Colormaps;
import dev.hartstudio.ui.common.ErrorReporter;
import dev.hartstudio.ui.common.TaskRunner;
import dev.hartstudio.ui.engine.EngineModel;
import dev.hartstudio.ui.engine.StudioEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.DoubleBinding;
import javafx.beans.binding.ObjectBinding;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;

/**
 * The reconstruction viewer: what the hybrid tokenizer keeps and loses for one image. Original,
 * discrete and hybrid reconstructions with PSNR/SSIM, a stepper over the discrete reconstruction
 * after each scale and then the hybrid, a wipe between any two layers, error heat maps and the
 * token map of the shown scale.
 */
public final class ReconstructViewModel {

    /** An image the wipe can show on either side. */
    public enum Layer {
        ORIGINAL("Original"), STEP("Stepper"), DISCRETE("Discrete"), HYBRID("Hybrid");

        private final String label;

        Layer(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** Where the viewer stands. */
    public enum State { EMPTY, WORKING, READY, FAILED }

    private final TaskRunner runner;
    private final EngineModel engine;
    private final ErrorReporter errors;
    private final ReadOnlyObjectWrapper<State> state = new ReadOnlyObjectWrapper<>(this, "state", State.EMPTY);
    private final ReadOnlyStringWrapper statusText = new ReadOnlyStringWrapper(this, "statusText",
            "Open or drop an image to see what the tokenizer keeps.");
    private final ReadOnlyObjectWrapper<ReconstructionResult> result = new ReadOnlyObjectWrapper<>(this, "result");
    private final ReadOnlyStringWrapper fitDescription = new ReadOnlyStringWrapper(this, "fitDescription", "");
    private final ReadOnlyObjectWrapper<Path> file = new ReadOnlyObjectWrapper<>(this, "file");
    private final ObjectProperty<FitMode> fitMode = new SimpleObjectProperty<>(this, "fitMode", FitMode.CENTER_CROP);
    private final IntegerProperty step = new SimpleIntegerProperty(this, "step");
    private final BooleanProperty wipeMode = new SimpleBooleanProperty(this, "wipeMode");
    private final ObjectProperty<Layer> wipeLeft = new SimpleObjectProperty<>(this, "wipeLeft", Layer.ORIGINAL);
    private final ObjectProperty<Layer> wipeRight = new SimpleObjectProperty<>(this, "wipeRight", Layer.HYBRID);
    private final DoubleProperty wipe = new SimpleDoubleProperty(this, "wipe", 0.5);
    private final BooleanProperty showError = new SimpleBooleanProperty(this, "showError");
    private final BooleanProperty showTokens = new SimpleBooleanProperty(this, "showTokens");
    private final ObjectBinding<RgbImage> stepImage;
    private final StringBinding stepLabel;
    private final DoubleBinding stepPsnr;
    private final BooleanBinding stepIsScale;
    private final ObjectBinding<RgbImage> tokenOverlay;
    private final ObjectBinding<RgbImage> stepError;
    private CancelToken cancel;

    public ReconstructViewModel(TaskRunner runner, EngineModel engine, ErrorReporter errors) {
        this.runner = runner;
        this.engine = engine;
        this.errors = errors;
        stepImage = Bindings.createObjectBinding(() -> image(Layer.STEP), result, step);
        stepIsScale = Bindings.createBooleanBinding(() -> result.get() != null && step.get() < scales(), result, step);
        stepLabel = Bindings.createStringBinding(this::computeStepLabel, result, step);
        stepPsnr = Bindings.createDoubleBinding(() -> {
            ReconstructionResult r = result.get();
            if (r == null) {
                return Double.NaN;
            }
            return step.get() < scales() ? r.psnrPerScale()[step.get()] : r.psnrHybrid();
        }, result, step);
        tokenOverlay = Bindings.createObjectBinding(() -> {
            ReconstructionResult r = result.get();
            if (r == null || !showTokens.get() || step.get() >= scales()) {
                return null;
            }
            return Colormaps.tokenImage(r.tokens()[step.get()][0], r.patchNums()[step.get()]);
        }, result, step, showTokens);
        stepError = Bindings.createObjectBinding(() -> {
            ReconstructionResult r = result.get();
            return r == null ? null : errorImage(error(Layer.STEP));
        }, result, step);
    }

    // Properties

    public ReadOnlyObjectProperty<State> stateProperty() {
        return state.getReadOnlyProperty();
    }

    /** One line: what the viewer is doing or why it failed. */
    public ReadOnlyStringProperty statusTextProperty() {
        return statusText.getReadOnlyProperty();
    }

    /** The reconstruction shown, or null. */
    public ReadOnlyObjectProperty<ReconstructionResult> resultProperty() {
        return result.getReadOnlyProperty();
    }

    /** How the file was converted, resized or cropped to the model resolution. */
    public ReadOnlyStringProperty fitDescriptionProperty() {
        return fitDescription.getReadOnlyProperty();
    }

    /** The image file shown. */
    public ReadOnlyObjectProperty<Path> fileProperty() {
        return file.getReadOnlyProperty();
    }

    /** How a non-square image is made square; changing it reconstructs again. */
    public ObjectProperty<FitMode> fitModeProperty() {
        return fitMode;
    }

    /** 0..K-1: discrete after scale step+1; K: hybrid. */
    public IntegerProperty stepProperty() {
        return step;
    }

    /** Number of stepper positions: K scales and the hybrid. */
    public int steps() {
        return scales() + 1;
    }

    /** The image of the stepper position. */
    public ObjectBinding<RgbImage> stepImageBinding() {
        return stepImage;
    }

    /** "Discrete · scale 3/8 (3×3 tokens)" or "Hybrid · discrete + residual". */
    public StringBinding stepLabelBinding() {
        return stepLabel;
    }

    /** PSNR (dB) of the stepper image. */
    public DoubleBinding stepPsnrBinding() {
        return stepPsnr;
    }

    /** Whether the stepper shows a discrete scale (so it has a token map). */
    public BooleanBinding stepIsScaleBinding() {
        return stepIsScale;
    }

    /** One wipe line instead of three panels. */
    public BooleanProperty wipeModeProperty() {
        return wipeMode;
    }

    public ObjectProperty<Layer> wipeLeftProperty() {
        return wipeLeft;
    }

    public ObjectProperty<Layer> wipeRightProperty() {
        return wipeRight;
    }

    /** Wipe line position, fraction of the image width. */
    public DoubleProperty wipeProperty() {
        return wipe;
    }

    /** Show per-pixel error heat maps instead of the reconstructions. */
    public BooleanProperty showErrorProperty() {
        return showError;
    }

    /** Show the token map of the stepper's scale over it. */
    public BooleanProperty showTokensProperty() {
        return showTokens;
    }

    /** Token ids of the stepper's scale as colours (one pixel per token), or null. */
    public ObjectBinding<RgbImage> tokenOverlayBinding() {
        return tokenOverlay;
    }

    /** Heat map of the stepper image's error, or null. */
    public ObjectBinding<RgbImage> stepErrorBinding() {
        return stepError;
    }

    // Commands

    /** Loads {@code image} (any format ImageIO reads), fits it and reconstructs it in the background. */
    public void open(Path image) {
        Optional<StudioEngine> e = engine.engine();
        if (e.isEmpty()) {
            state.set(State.FAILED);
            statusText.set("Load a model first: the reconstruction uses its tokenizer.");
            return;
        }
        if (cancel != null) {
            cancel.cancel();
        }
        CancelToken token = new CancelToken();
        cancel = token;
        FitMode mode = fitMode.get();
        int resolution = e.get().model().resolution();
        file.set(image);
        state.set(State.WORKING);
        statusText.set("Reconstructing " + image.getFileName() + "…");
        runner.submit(() -> {
            FittedImage fitted = ImageFit.load(image, resolution, mode);
            ReconstructionResult r = e.get().reconstruct(fitted.image().toBufferedImage(), mode, token);
            return new Loaded(fitted.description(), r);
        }, loaded -> {
            if (token != cancel) {
                return;
            }
            fitDescription.set(loaded.description());
            result.set(loaded.result());
            step.set(loaded.result().patchNums().length - 1);
            state.set(State.READY);
            statusText.set(image.getFileName().toString());
        }, failure -> {
            if (token != cancel || token.isCancelled()) {
                return;
            }
            state.set(result.get() == null ? State.FAILED : State.READY);
            statusText.set(failure.getMessage());
            errors.report("The image could not be reconstructed.", failure);
        });
    }

    private record Loaded(String description, ReconstructionResult result) {
    }

    /** Reconstructs the current file again (after the fit mode changed). */
    public void refit() {
        if (file.get() != null) {
            open(file.get());
        }
    }

    public void nextStep() {
        step.set(Math.min(steps() - 1, step.get() + 1));
    }

    public void previousStep() {
        step.set(Math.max(0, step.get() - 1));
    }

    /** The image of {@code layer}, or null before a result. */
    public RgbImage image(Layer layer) {
        ReconstructionResult r = result.get();
        if (r == null) {
            return null;
        }
        return switch (layer) {
            case ORIGINAL -> r.input();
            case DISCRETE -> r.discrete();
            case HYBRID -> r.hybrid();
            case STEP -> step.get() < scales() ? r.perScale().get(step.get()) : r.hybrid();
        };
    }

    /** Per-pixel error of {@code layer} against the input, 0..1, or null for the original. */
    public float[] error(Layer layer) {
        ReconstructionResult r = result.get();
        if (r == null || layer == Layer.ORIGINAL) {
            return null;
        }
        return switch (layer) {
            case DISCRETE -> r.errorDiscrete();
            case HYBRID -> r.errorHybrid();
            default -> step.get() < scales() ? Metrics.absErrorMap(r.input(), r.perScale().get(step.get()))
                    : r.errorHybrid();
        };
    }

    /**
     * Top of the heat-map scale: the largest error of the full discrete reconstruction (at least
     * 1/255), shared by every panel so their colours compare.
     */
    public double errorScaleMax() {
        ReconstructionResult r = result.get();
        if (r == null) {
            return 1;
        }
        return Math.max(1 / 255.0, Math.max(Colormaps.max(r.errorDiscrete()), Colormaps.max(r.errorHybrid())));
    }

    /** {@code values} as a heat map on the shared scale. */
    public RgbImage errorImage(float[] values) {
        ReconstructionResult r = result.get();
        if (values == null || r == null) {
            return null;
        }
        return Metrics.heat(values, r.input().width(), r.input().height(), (float) errorScaleMax());
    }

    /** "PSNR 24.3 dB · SSIM 0.812" for discrete or hybrid. */
    public String metricsText(Layer layer) {
        ReconstructionResult r = result.get();
        if (r == null) {
            return "";
        }
        return switch (layer) {
            case DISCRETE -> format(r.psnrDiscrete(), r.ssimDiscrete());
            case HYBRID -> format(r.psnrHybrid(), r.ssimHybrid());
            case STEP -> String.format(Locale.ROOT, "PSNR %s", db(stepPsnr.get()));
            case ORIGINAL -> r.input().width() + "×" + r.input().height() + " model input";
        };
    }

    /** PSNR after each scale, then the hybrid, for the chart: (label, dB). */
    public List<Point> psnrCurve() {
        ReconstructionResult r = result.get();
        List<Point> out = new ArrayList<>();
        if (r == null) {
            return out;
        }
        for (int k = 0; k < r.psnrPerScale().length; k++) {
            out.add(new Point("s" + (k + 1), r.psnrPerScale()[k]));
        }
        out.add(new Point("hybrid", r.psnrHybrid()));
        return out;
    }

    /** A point of the PSNR chart. */
    public record Point(String label, double psnr) {
    }

    private String computeStepLabel() {
        ReconstructionResult r = result.get();
        if (r == null) {
            return "";
        }
        int s = step.get();
        if (s < scales()) {
            int p = r.patchNums()[s];
            return "Discrete · scale " + (s + 1) + "/" + scales() + " (" + p + "×" + p + " tokens)";
        }
        return "Hybrid · discrete + residual";
    }

    private int scales() {
        ReconstructionResult r = result.get();
        return r == null ? 0 : r.patchNums().length;
    }

    private static String format(double psnr, double ssim) {
        return String.format(Locale.ROOT, "PSNR %s · SSIM %.3f", db(psnr), ssim);
    }

    private static String db(double psnr) {
        return Double.isInfinite(psnr) ? "∞ dB" : String.format(Locale.ROOT, "%.2f dB", psnr);
    }
}
