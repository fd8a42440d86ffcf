package dev.hartstudio.engine.sample;

import ai.onnxruntime.OrtException;
import dev.hartstudio.bundle.Bundle;
import dev.hartstudio.bundle.GraphRole;
import dev.hartstudio.bundle.ModelConfig;
import dev.hartstudio.bundle.Schedule;
import dev.hartstudio.engine.BundleGraphs;
import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.TextEncoder;
import dev.hartstudio.engine.generate.DeferredImages;
import dev.hartstudio.engine.generate.GenerationControl;
import dev.hartstudio.engine.generate.GenerationListener;
import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.engine.generate.GenerationResult;
import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.engine.generate.Timings;
import java.util.ArrayList;
import java.util.List;

/**
 * HART text-to-image generation around a bundle's graphs (HART-INFERENCE 2.4-6; the Python mirror
 * is {@code hart_export/sample.py}), in the stages of that document: {@link PromptConditioning},
 * the {@link ScaleLoop} over {@link StepGraph} (with its {@link FirstStepCache}),
 * {@link TokenSampler} and {@link NextScaleInput}, then {@link ResidualDiffusion} and
 * {@link LatentDecoder}. Loops, CFG, top-k/top-p, random draws, soft embeddings, the area resize and
 * the diffusion sampler run on the host; every network runs in ONNX Runtime. Each stage owns the
 * reused native buffers it fills. One generation at a time.
 */
public final class Sampler {

    private final ModelConfig model;
    private final Schedule schedule;
    private final Bundle bundle;
    private final GraphRunner graphs;
    private final PromptConditioning conditioning;
    private final StepGraph stepGraph;
    private final ScaleLoop scales;
    private final ResidualDiffusion diffusion;
    private final LatentDecoder decoder;

    public Sampler(Bundle bundle, BundleGraphs graphs, TextEncoder text) {
        this.bundle = bundle;
        this.model = bundle.manifest().model();
        this.schedule = bundle.schedule();
        this.graphs = new GraphRunner(graphs);
        Codebook codebook = new Codebook(bundle.codebook(), model.latentChannels());
        this.conditioning = new PromptConditioning(text, model, schedule, this.graphs);
        this.stepGraph = new StepGraph(model, bundle.manifest().graphs().get(GraphRole.STEP).inputs(), this.graphs);
        this.decoder = new LatentDecoder(model, bundle.preview(), this.graphs);
        this.scales = new ScaleLoop(model, schedule, new TokenSampler(codebook, model.codebookSize(), model.latentChannels()),
                new NextScaleInput(model, schedule, this.graphs), decoder);
        this.diffusion = new ResidualDiffusion(model, schedule.diffusion(), codebook, decoder, this.graphs);
    }

    /** Runs one generation; see {@link dev.hartstudio.engine.HartEngine#generate}. */
    public GenerationResult generate(GenerationRequest req, GenerationListener listener, GenerationControl control)
            throws EngineException {
        long start = System.nanoTime();
        graphs.restartClock();
        SamplingSettings s = SamplingSettings.resolve(req, bundle.manifest().samplingDefaults(), model.scales()); // 4.1
        long t0 = System.nanoTime();
        try (PromptConditioning.Conditioning cond = conditioning.encode(req.prompts(), control);            // 2.1-2.4, 3.2
             StepGraph.Pass steps = stepGraph.begin(cond)) {                                                  // 3.6
            long textNanos = System.nanoTime() - t0;
            ScaleLoop.Outcome ar = scales.run(s, cond, steps, listener, control);                            // 4.2-4.7
            long td = System.nanoTime();
            long[] diffNanos = new long[schedule.diffusion().steps()];
            Images out = ar.stopped() ? stoppedEarly(ar.fhat(), s.batch(), control)
                    : finish(s, ar, steps, listener, diffNanos, control);                                     // 5, 4.8
            long decodeNanos = System.nanoTime() - td;
            for (long dn : diffNanos) {
                decodeNanos -= dn;
            }
            Timings timings = new Timings(textNanos, ar.scaleNanos(), diffNanos, Math.max(0, decodeNanos),
                    ar.previewNanos(), graphs.insideOrtNanos(), System.nanoTime() - start);
            return new GenerationResult(req, out.images(), out.discrete(), out.heat(), ar.tokens(), ar.stoppedAt(), timings);
        } catch (OrtException e) {
            throw new EngineException("Could not build a tensor: " + e.getMessage(), e);
        }
    }

    /** The decoded images, the discrete-only ones (perhaps deferred) and the residual's heat map per image. */
    private record Images(List<RgbImage> images, DeferredImages discrete, List<float[]> heat) {
    }

    /** The residual diffusion (unless discrete-only), then the hybrid latent decoded (5, 4.8). */
    private Images finish(SamplingSettings s, ScaleLoop.Outcome ar, StepGraph.Pass steps, GenerationListener listener,
            long[] diffNanos, GenerationControl control) throws OrtException, EngineException {
        int batch = s.batch();
        int cv = model.latentChannels();
        int big = model.finestPatch();
        float[] fhat = ar.fhat();
        float[] e = ar.last().e();
        double g = s.guidance(schedule.scales().get(model.scales() - 1));
        float[] rho = s.request().discreteOnly() ? new float[batch * big * big * cv]
                : diffusion.sample(s, steps.hidden(), ar.last(), fhat, g, listener, diffNanos, control);
        float[] fDiscrete = fhat.clone();
        NextScaleInput.addTokens(fDiscrete, e, null, batch, cv, big);
        NextScaleInput.addTokens(fhat, e, rho, batch, cv, big);
        List<RgbImage> images = decoder.decode(fhat, batch, control);
        DeferredImages discrete = s.request().discreteOnly() ? DeferredImages.of(images)
                : DeferredImages.deferred(() -> decoder.decodeApart(fDiscrete, batch));
        return new Images(images, discrete, ResidualDiffusion.heat(rho, batch, big * big, cv));
    }

    /** A generation stopped after a scale: the discrete latent so far, decoded; no residual. */
    private Images stoppedEarly(float[] fhat, int batch, GenerationControl control) throws OrtException, EngineException {
        List<RgbImage> images = decoder.decode(fhat, batch, control);
        List<float[]> heat = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            heat.add(new float[model.finestPatch() * model.finestPatch()]);
        }
        return new Images(images, DeferredImages.of(images), heat);
    }

    /** Decodes a latent {@code [B, Cv, P, P]} to planar floats {@code [B, 3, H, W]} in [0, 1]. */
    public float[] decodePlanar(float[] fhat, int batch, GenerationControl control) throws EngineException {
        return decoder.decodePlanar(fhat, batch, control);
    }

    /**
     * Whether the next generation runs its first step on the conditional rows only, the
     * unconditional rows' results kept from an earlier one (a bundle with one cache tensor per block
     * and more than one scale, after its first generation).
     */
    public boolean reusesUnconditionalFirstStep() {
        return stepGraph.reusesUnconditionalFirstStep();
    }

    /** The last decoded image batch as planar floats {@code [B, 3, H, W]} in [0, 1] (parity tests); reused by the next decode. */
    public float[] lastPlanarImage() {
        return decoder.lastPlanarImage();
    }

    /** Total time inside OrtSession.run during the last generation (nanoseconds). */
    public long insideOrtNanos() {
        return graphs.insideOrtNanos();
    }
}
