package dev.hartstudio.ui.testing;

import dev.hartstudio.bundle.SamplingDefaults;
import dev.hartstudio.engine.CancelToken;
import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.PromptCheck;
import dev.hartstudio.engine.generate.DeferredImages;
import dev.hartstudio.engine.generate.GenerationControl;
import dev.hartstudio.engine.generate.GenerationEvent;
import dev.hartstudio.engine.generate.GenerationListener;
import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.engine.generate.GenerationResult;
import dev.hartstudio.engine.generate.PreviewMode;
import dev.hartstudio.engine.generate.ReconstructionResult;
import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.engine.generate.Timings;
import dev.hartstudio.engine.image.FitMode;
import dev.hartstudio.engine.image.FittedImage;
import dev.hartstudio.engine.image.ImageFit;
import dev.hartstudio.engine.image.Metrics;
import dev.hartstudio.ui.engine.ModelInfo;
import dev.hartstudio.ui.engine.StudioEngine;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;

/**
 * A scripted engine: 4 scales (1, 2, 3, 4), 2 diffusion steps, 16 px images whose colour encodes
 * the seed. Records requests; can fail, or run a hook before each scale (to cancel or stop there).
 */
public final class FakeEngine implements StudioEngine {

    public static final List<Integer> PATCHES = List.of(1, 2, 3, 4);
    public static final int STEPS = 2;
    public static final int SIZE = 16;

    public final List<GenerationRequest> requests = new CopyOnWriteArrayList<>();
    public volatile EngineException failWith;
    /** When set, decoding the discrete-only image fails with it (the generation itself succeeds). */
    public volatile EngineException discreteFailsWith;
    public volatile IntConsumer beforeScale = s -> { };
    public volatile boolean closed;
    private final ModelInfo model;

    public FakeEngine() {
        this("fake");
    }

    public FakeEngine(String name) {
        model = new ModelInfo(name, "scripted test engine", Path.of("/bundles/" + name), SIZE, PATCHES, 64,
                new SamplingDefaults(4.5, List.of(60, 60, 60, 30), 0.0, true, 7, STEPS), "cpu",
                "no NVIDIA driver found", false);
    }

    public static ModelInfo defaultModel() {
        return new FakeEngine().model;
    }

    @Override
    public ModelInfo model() {
        return model;
    }

    @Override
    public synchronized GenerationResult generate(GenerationRequest request, GenerationListener listener,
            GenerationControl control)
            throws EngineException {
        requests.add(request);
        if (failWith != null) {
            throw failWith;
        }
        long seed = request.seeds().get(0);
        int k = PATCHES.size();
        int[][][] tokens = new int[k][][];
        long[] scaleNanos = new long[k];
        int stoppedAt = -1;
        int first = request.branch() == null ? 0 : request.branch().fromScale();
        for (int s = 0; s < k; s++) {
            beforeScale.accept(s);
            control.token().throwIfCancelled();
            int p = PATCHES.get(s);
            if (s < first) {                               // kept scales: given, or drawn again from the original seed
                tokens[s] = request.branch().tokens() != null ? request.branch().tokens()[s]
                        : new int[][] {ids(p, request.branch().originalSeeds().get(0) + s)};
            } else {
                tokens[s] = new int[][] {ids(p, seed + s)};
            }
            scaleNanos[s] = 1_000_000L * (s + 1);
            List<RgbImage> previews = request.preview() == PreviewMode.NONE ? List.of() : List.of(image(p, seed, s));
            listener.onEvent(new GenerationEvent.ScaleDone(s, k, p, tokens[s], previews, scaleNanos[s]));
            if (control.isStopRequested() && s < k - 1) {
                stoppedAt = s;
                tokens = Arrays.copyOf(tokens, s + 1);
                break;
            }
        }
        int steps = request.discreteOnly() || stoppedAt >= 0 ? 0 : STEPS;
        long[] diffNanos = new long[steps];
        for (int i = 0; i < steps; i++) {
            control.token().throwIfCancelled();
            diffNanos[i] = 2_000_000L;
            List<RgbImage> previews = request.preview() == PreviewMode.NONE ? List.of()
                    : List.of(image(SIZE, seed, k + i));
            listener.onEvent(new GenerationEvent.DiffusionStep(i, steps, previews, diffNanos[i]));
        }
        RgbImage finalImage = image(SIZE, seed, 99);
        RgbImage discrete = image(SIZE, seed, 98);
        float[] heat = new float[PATCHES.get(k - 1) * PATCHES.get(k - 1)];
        for (int i = 0; i < heat.length; i++) {
            heat[i] = steps == 0 ? 0 : i / (float) heat.length;
        }
        Timings t = new Timings(500_000, scaleNanos, diffNanos, 1_000_000, 0, 0, 20_000_000);
        return new GenerationResult(request, List.of(finalImage), DeferredImages.deferred(() -> {
            if (discreteFailsWith != null) {
                throw discreteFailsWith;
            }
            return List.of(discrete);
        }), List.of(heat), tokens, stoppedAt, t);
    }

    /**
     * A reconstruction where scale k is the input down-sampled to {@code p_k} and back up, the
     * discrete image is the last scale and the hybrid is the input itself.
     */
    /** Words the scripted model knows; others are reported as unknown. */
    public static final Set<String> WORDS = Set.of("a", "red", "blue", "green", "circle", "square",
            "star", "on", "the", "left", "right", "and");
    /** Tokens the scripted model reads: one per word. */
    public static final int MAX_TOKENS = 8;
    public final List<String> checkedPrompts = new CopyOnWriteArrayList<>();

    /** One token per space-separated word; the same refusals as the real engine. */
    @Override
    public PromptCheck checkPrompt(String prompt) {
        checkedPrompts.add(prompt);
        var refusal = PromptCheck.refusalOf(prompt);
        if (refusal.isPresent()) {
            return new PromptCheck(0, MAX_TOKENS, "", List.of(), refusal);
        }
        var m = Pattern.compile("\\S+").matcher(prompt);
        int tokens = 0;
        int keptEnd = prompt.length();
        LinkedHashSet<String> unknown = new LinkedHashSet<>();
        while (m.find()) {
            tokens++;
            if (tokens == MAX_TOKENS) {
                keptEnd = m.end();
            }
            if (!WORDS.contains(m.group())) {
                unknown.add(m.group());
            }
        }
        return new PromptCheck(tokens, MAX_TOKENS,
                tokens > MAX_TOKENS ? prompt.substring(0, keptEnd) : prompt, new ArrayList<>(unknown),
                Optional.empty());
    }

    @Override
    public ReconstructionResult reconstruct(BufferedImage image, FitMode fit, CancelToken cancel)
            throws EngineException {
        cancel.throwIfCancelled();
        if (failWith != null) {
            throw failWith;
        }
        FittedImage fitted = ImageFit.fit(RgbImage.of(image), SIZE, fit);
        RgbImage in = fitted.image();
        int k = PATCHES.size();
        List<RgbImage> perScale = new ArrayList<>();
        double[] psnr = new double[k];
        int[][][] tokens = new int[k][][];
        for (int s = 0; s < k; s++) {
            int p = PATCHES.get(s);
            RgbImage r = ImageFit.resize(ImageFit.resize(in, p, p), SIZE, SIZE);
            perScale.add(r);
            psnr[s] = Metrics.psnr(in, r);
            tokens[s] = new int[][] {ids(p, s)};
        }
        RgbImage discrete = perScale.get(k - 1);
        RgbImage hybrid = in;
        return new ReconstructionResult(in, fitted.description(), perScale, discrete, hybrid, psnr,
                psnr[k - 1], Metrics.psnr(in, hybrid), Metrics.ssim(in, discrete), Metrics.ssim(in, hybrid),
                Metrics.absErrorMap(in, discrete), Metrics.absErrorMap(in, hybrid), tokens,
                PATCHES.stream().mapToInt(Integer::intValue).toArray());
    }

    /** A flat image whose red channel is the seed (mod 256) and green the stage. */
    public static RgbImage image(int side, long seed, int stage) {
        int[] px = new int[side * side];
        Arrays.fill(px, 0xFF000000 | (int) (seed % 256) << 16 | (stage & 255) << 8);
        return new RgbImage(side, side, px);
    }

    private static int[] ids(int p, long salt) {
        int[] out = new int[p * p];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) ((i + salt) % 64);
        }
        return out;
    }

    /** Seeds of every request so far, in order. */
    public List<Long> seeds() {
        List<Long> out = new ArrayList<>();
        requests.forEach(r -> out.addAll(r.seeds()));
        return out;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
