package dev.hartstudio.engine.sample;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.hartstudio.bundle.ModelConfig;
import dev.hartstudio.bundle.Schedule;
import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.generate.GenerationControl;
import dev.hartstudio.engine.generate.GenerationEvent;
import dev.hartstudio.engine.generate.GenerationListener;
import dev.hartstudio.engine.generate.RgbImage;
import java.util.List;

/**
 * Stage "the scales, coarse to fine" (HART-INFERENCE 4.2-4.6): per scale the RoPE tables (1D for the
 * text prefill, 2D after), the step, the host-side token draw, and, before the last scale, the
 * latent update and the next input; a {@code ScaleDone} event with the previews after each. Stops
 * after a scale when asked to ("stop here").
 */
final class ScaleLoop {

    private final ModelConfig model;
    private final Schedule schedule;
    private final TokenSampler sampler;
    private final NextScaleInput input;
    private final LatentDecoder decoder;

    ScaleLoop(ModelConfig model, Schedule schedule, TokenSampler sampler, NextScaleInput input, LatentDecoder decoder) {
        this.model = model;
        this.schedule = schedule;
        this.sampler = sampler;
        this.input = input;
        this.decoder = decoder;
    }

    /**
     * What the scales leave for the diffusion and the decoder.
     *
     * @param fhat the latent {@code [B, Cv, P, P]} of every scale but the last
     * @param tokens {@code tokens[scale][image]}, up to the scale it stopped at
     * @param last the last scale's tokens, or null when stopped early
     * @param stoppedAt -1 when complete, else the last scale run
     */
    record Outcome(float[] fhat, int[][][] tokens, TokenSampler.ScaleTokens last, int stoppedAt, long[] scaleNanos,
                   long previewNanos) {

        boolean stopped() {
            return stoppedAt >= 0;
        }
    }

    Outcome run(SamplingSettings s, PromptConditioning.Conditioning cond, StepGraph.Pass steps,
            GenerationListener listener, GenerationControl control) throws OrtException, EngineException {
        int batch = s.batch();
        int scales = model.scales();
        int big = model.finestPatch();
        int cv = model.latentChannels();
        float[] fhat = new float[batch * cv * big * big];
        int[][][] tokens = new int[scales][][];
        long[] scaleNanos = new long[scales];
        long previewNanos = 0;
        TokenSampler.ScaleTokens last = null;
        try (Tensors.Closer open = new Tensors.Closer()) {
            OnnxTensor x = cond.x0();
            for (int k = 0; k < scales; k++) {
                long ts = System.nanoTime();
                control.token().throwIfCancelled();
                Schedule.Scale sc = schedule.scales().get(k);
                int p = sc.p();
                float[][] rope = k == 0 ? cond.rope1d() : SamplerMath.rope2d(p, big, cond.offsets(), schedule.rope().invFreq2d());
                steps.run(k, x, rope, control);
                TokenSampler.wakeFor(batch * p * p);
                if (k > 0) {
                    open.release(x);   // the embedded input of this scale is consumed
                }
                TokenSampler.ScaleTokens t = sampler.sample(s, k, sc, steps.logits(), steps.tokenOffset(k), steps.tokenTotal(k));
                tokens[k] = t.idx();
                float[] shown = fhat;
                if (k < scales - 1) {
                    x = open.track(input.advance(fhat, t.e(), batch, k, control));
                } else {
                    last = t;
                    shown = fhat.clone();
                    NextScaleInput.addTokens(shown, t.e(), null, batch, cv, big);
                }
                long tp0 = System.nanoTime();
                List<RgbImage> previews = decoder.preview(s.request().preview(), shown, batch, control);
                previewNanos += System.nanoTime() - tp0;
                scaleNanos[k] = System.nanoTime() - ts;
                listener.onEvent(new GenerationEvent.ScaleDone(k, scales, p, t.idx(), previews, scaleNanos[k]));
                if (k < scales - 1 && control.isStopRequested()) {
                    return new Outcome(fhat, trim(tokens, k), null, k, scaleNanos, previewNanos);
                }
            }
        }
        return new Outcome(fhat, tokens, last, -1, scaleNanos, previewNanos);
    }

    private static int[][][] trim(int[][][] tokens, int stoppedAt) {
        int[][][] t = new int[stoppedAt + 1][][];
        System.arraycopy(tokens, 0, t, 0, stoppedAt + 1);
        return t;
    }
}
