package dev.hartstudio.engine.sample;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.hartstudio.bundle.GraphRole;
import dev.hartstudio.bundle.ModelConfig;
import dev.hartstudio.bundle.Schedule;
import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.Ort;
import dev.hartstudio.engine.generate.GenerationControl;
import dev.hartstudio.engine.generate.GenerationEvent;
import dev.hartstudio.engine.generate.GenerationListener;
import dev.hartstudio.engine.generate.PreviewMode;
import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.engine.rng.PortableRng;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stage "residual diffusion" (HART-INFERENCE 5.1-5.3): {@code diff_cond} once on the last scale's
 * hidden states and hard tokens, then the respaced sampler's steps over {@code diff_mlp} with
 * guidance, the clamp of {@code x0}, the learned variance and the portable RNG's noise, all on the
 * host in fp32. Owns the diffusion graphs' buffers: {@code cemb} stays where {@code diff_cond} wrote
 * it, {@code x} and {@code t} are written in place, the output is read where ONNX Runtime put it.
 */
final class ResidualDiffusion {

    private final ModelConfig model;
    private final Schedule.Diffusion ds;
    private final Codebook codebook;
    private final LatentDecoder decoder;
    private final GraphRunner graphs;
    private final DirectStores stores = new DirectStores();

    ResidualDiffusion(ModelConfig model, Schedule.Diffusion ds, Codebook codebook, LatentDecoder decoder,
            GraphRunner graphs) {
        this.model = model;
        this.ds = ds;
        this.codebook = codebook;
        this.decoder = decoder;
        this.graphs = graphs;
    }

    /**
     * The residual {@code rho [B·P², Cv]} (already times the VAE scale) of the last scale.
     *
     * @param hidden the last step's hidden states {@code [2B, P², C]}
     * @param last the last scale's tokens and embeddings (previews show {@code fhat + e + rho})
     * @param g the CFG weight of the last scale
     * @param nanos filled with each step's time
     */
    float[] sample(SamplingSettings s, OnnxTensor hidden, TokenSampler.ScaleTokens last, float[] fhat, double g,
            GenerationListener listener, long[] nanos, GenerationControl control) throws OrtException, EngineException {
        OrtEnvironment env = Ort.environment();
        int batch = s.batch();
        int cv = model.latentChannels();
        int big = model.finestPatch();
        int L = big * big;
        int width = model.diffusionWidth();
        float[] eHard = new float[batch * L * cv];
        codebook.embed(last.idx(), eHard);
        try (OnnxTensor eT = stores.input(env, DirectStores.Slot.E_HARD, eHard, batch, L, cv);
             OnnxTensor cembT = stores.output(env, DirectStores.Slot.CEMB, 2L * batch, L, width);
             OrtSession.Result r = graphs.run(GraphRole.DIFF_COND, Map.of("x_last", hidden, "e_hard", eT),
                     Set.of(), Map.of("cemb", cembT), control)) {
            // cemb stays in its slot: the diffusion MLP reads it from there at every step
        }
        int rows = batch * L;
        float[] x = new float[rows * cv];
        if (!s.greedy()) {
            for (int b = 0; b < batch; b++) {
                RowMath.normals(PortableRng.key(s.request().seeds().get(b), PortableRng.DIFF_INIT, 0), L * cv, x, b * L * cv);
            }
        }
        int steps = ds.steps();
        FloatBuffer xs = stores.floats(DirectStores.Slot.DIFF_X, 2 * rows * cv);
        FloatBuffer ts = stores.floats(DirectStores.Slot.DIFF_T, 2 * rows);
        FloatBuffer out = stores.floats(DirectStores.Slot.DIFF_OUT, 2 * rows * 2 * cv);
        float[] o = new float[2 * rows * 2 * cv];
        float[] noise = new float[L * cv];
        try (OnnxTensor c = OnnxTensor.createTensor(env, stores.floats(DirectStores.Slot.CEMB, 2 * rows * width),
                    new long[] {2L * rows, width});
             OnnxTensor xT = OnnxTensor.createTensor(env, xs, new long[] {2L * rows, cv});
             OnnxTensor tT = OnnxTensor.createTensor(env, ts, new long[] {2L * rows});
             OnnxTensor outT = OnnxTensor.createTensor(env, out, new long[] {2L * rows, 2L * cv})) {
            for (int n = steps - 1; n >= 0; n--) {
                long t0 = System.nanoTime();
                control.token().throwIfCancelled();
                xs.clear();
                xs.put(x).put(x).clear();
                float tn = (float) ds.timesteps()[n];
                for (int i = 0; i < 2 * rows; i++) {
                    ts.put(i, tn);
                }
                try (OrtSession.Result r = graphs.run(GraphRole.DIFF_MLP, Map.of("x", xT, "t", tT, "cemb", c), Set.of(),
                        Map.of("out", outT), control)) {
                    // out is in its slot
                }
                out.get(0, o);   // one bulk copy; the update indexes a heap array
                step(s, n, g, batch, L, o, x, noise);
                int index = steps - 1 - n;
                List<RgbImage> previews = List.of();
                if (s.request().preview() != PreviewMode.NONE) {
                    float[] f = fhat.clone();
                    NextScaleInput.addTokens(f, last.e(), scaled(x, (float) ds.vaeScale()), batch, cv, big);
                    previews = decoder.preview(s.request().preview(), f, batch, control);
                }
                nanos[index] = System.nanoTime() - t0;
                listener.onEvent(new GenerationEvent.DiffusionStep(index, steps, previews, nanos[index]));
            }
        }
        return scaled(x, (float) ds.vaeScale());
    }

    /**
     * One sampler step {@code n} on {@code x [B·P², Cv]} from the MLP output {@code o [2·B·P², 2Cv]}
     * (rows: conditional then unconditional; columns: eps then the variance fraction).
     */
    private void step(SamplingSettings s, int n, double g, int batch, int L, float[] o, float[] x, float[] noise) {
        int cv = model.latentChannels();
        int rows = batch * L;
        float a1 = (float) ds.sqrtRecipAlphasCumprod()[n];
        float a2 = (float) ds.sqrtRecipm1AlphasCumprod()[n];
        float c1 = (float) ds.posteriorMeanCoef1()[n];
        float c2 = (float) ds.posteriorMeanCoef2()[n];
        float maxLog = (float) ds.logBetas()[n];
        float minLog = (float) ds.posteriorLogVarianceClipped()[n];
        float ga = (float) (1 + g);
        float gb = (float) g;
        boolean guided = g != 1.0;
        boolean greedy = s.greedy();
        for (int b = 0; b < batch; b++) {
            if (n > 0 && !greedy) {
                RowMath.normals(PortableRng.key(s.request().seeds().get(b), PortableRng.DIFF_STEP, n), L * cv, noise, 0);
            }
            for (int r = 0; r < L; r++) {
                int row = b * L + r;
                int oc = row * 2 * cv;
                int ou = (rows + row) * 2 * cv;
                for (int ch = 0; ch < cv; ch++) {
                    int i = row * cv + ch;
                    float epsC = o[oc + ch];
                    float eps = guided ? ga * epsC - gb * o[ou + ch] : epsC;
                    float x0 = Math.max(-1f, Math.min(1f, a1 * x[i] - a2 * eps));
                    float mean = c1 * x0 + c2 * x[i];
                    if (n > 0) {
                        float frac = (o[oc + cv + ch] + 1f) / 2f;
                        float logvar = frac * maxLog + (1f - frac) * minLog;
                        float z = greedy ? 0f : noise[r * cv + ch];
                        x[i] = mean + (float) Math.exp(0.5f * logvar) * z;
                    } else {
                        x[i] = mean;
                    }
                }
            }
        }
    }

    /** Per image, the L2 norm of the residual per latent cell {@code [P²]}. */
    static List<float[]> heat(float[] rho, int batch, int L, int cv) {
        List<float[]> heat = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            float[] m = new float[L];
            for (int n = 0; n < L; n++) {
                double s = 0;
                for (int c = 0; c < cv; c++) {
                    float v = rho[(b * L + n) * cv + c];
                    s += v * v;
                }
                m[n] = (float) Math.sqrt(s);
            }
            heat.add(m);
        }
        return heat;
    }

    private static float[] scaled(float[] x, float s) {
        float[] r = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = s * x[i];
        }
        return r;
    }
}
