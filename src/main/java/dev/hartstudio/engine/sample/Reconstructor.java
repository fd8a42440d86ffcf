package dev.hartstudio.engine.sample;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.hartstudio.bundle.Bundle;
import dev.hartstudio.bundle.GraphRole;
import dev.hartstudio.bundle.ModelConfig;
import dev.hartstudio.bundle.Schedule;
import dev.hartstudio.engine.BundleGraphs;
import dev.hartstudio.engine.CancelToken;
import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.Ort;
import dev.hartstudio.engine.generate.ReconstructionResult;
import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.engine.image.FittedImage;
import dev.hartstudio.engine.image.ImageFit;
import dev.hartstudio.engine.image.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Image → encoder → multi-scale residual quantisation (hybrid convention: Phi on every scale but
 * the last) → discrete reconstructions after each scale, the full discrete one and the hybrid one,
 * with metrics (HART-INFERENCE 6.4).
 */
public final class Reconstructor {

    private final BundleGraphs graphs;
    private final ModelConfig model;
    private final Schedule schedule;
    private final float[] codebook;

    public Reconstructor(Bundle bundle, BundleGraphs graphs) {
        this.graphs = graphs;
        this.model = bundle.manifest().model();
        this.schedule = bundle.schedule();
        this.codebook = bundle.codebook();
    }

    public ReconstructionResult reconstruct(FittedImage fitted, CancelToken cancel) throws EngineException {
        if (!graphs.has(GraphRole.VAE_ENCODER)) {
            throw new EngineException("This bundle has no vae_encoder graph, so it cannot reconstruct images.");
        }
        RgbImage input = fitted.image();
        int res = model.resolution();
        if (input.width() != res || input.height() != res) {
            throw new EngineException("The image is " + input.width() + "×" + input.height() + "; the model needs " + res + "×" + res + ".");
        }
        int cv = model.latentChannels();
        int big = model.finestPatch();
        int scales = model.scales();
        int vocab = model.codebookSize();
        try {
            OrtEnvironment env = Ort.environment();
            float[] f;
            try (OnnxTensor img = Tensors.tensor(env, ImageFit.toPlanarMinus1To1(input), 1, 3, res, res);
                 OrtSession.Result r = graphs.get(GraphRole.VAE_ENCODER).run(Map.of("image", img), cancel)) {
                f = Tensors.floats(r, "f");
            }
            int l2 = big * big;
            float[] rest = f.clone();
            float[] fhat = new float[f.length];
            int[][][] tokens = new int[scales][1][];
            List<RgbImage> perScale = new ArrayList<>();
            double[] psnr = new double[scales];
            double[] norms = codeNorms(vocab, cv);
            for (int k = 0; k < scales; k++) {
                cancel.throwIfCancelled();
                Schedule.Scale sc = schedule.scales().get(k);
                int p = sc.p();
                int l = p * p;
                float[] z = k < scales - 1 ? SamplerMath.area(rest, 1, cv, big, schedule.down().get(k).data(), p)
                        : mapToTokens(rest, cv, big);
                int[] idx = new int[l];
                float[] e = new float[l * cv];
                for (int n = 0; n < l; n++) {
                    idx[n] = nearest(z, n * cv, cv, vocab, norms);
                    System.arraycopy(codebook, idx[n] * cv, e, n * cv, cv);
                }
                tokens[k][0] = idx;
                if (k < scales - 1) {
                    float[] h = SamplerMath.tokensToMap(e, 1, p, cv);
                    float[] added;
                    try (OnnxTensor fT = Tensors.tensor(env, fhat, 1, cv, big, big);
                         OnnxTensor hT = Tensors.tensor(env, h, 1, cv, p, p);
                         OnnxTensor upT = Tensors.tensor(env, schedule.up().get(k).toFloat32(), big, p);
                         OnnxTensor phiT = Tensors.longs(env, new long[] {sc.phiIndex()}, 1);
                         OrtSession.Result r = graphs.get(GraphRole.FHAT_STEP).run(
                                 Map.of("f_hat", fT, "h", hT, "up", upT, "phi_index", phiT), cancel)) {
                        fhat = Tensors.floats(r, "f_hat_out");
                        added = Tensors.floats(r, "added");
                    }
                    for (int i = 0; i < rest.length; i++) {
                        rest[i] -= added[i];
                    }
                } else {
                    float[] u = SamplerMath.tokensToMap(e, 1, p, cv);
                    for (int i = 0; i < rest.length; i++) {
                        fhat[i] += u[i];
                        rest[i] -= u[i];
                    }
                }
                RgbImage rec = decode(env, fhat, cv, big, res, cancel);
                perScale.add(rec);
                psnr[k] = Metrics.psnr(input, rec);
            }
            RgbImage discrete = perScale.get(scales - 1);
            RgbImage hybrid = decode(env, f, cv, big, res, cancel);
            int[] pn = model.patchNums().stream().mapToInt(Integer::intValue).toArray();
            return new ReconstructionResult(input, fitted.description(), perScale, discrete, hybrid, psnr,
                    psnr[scales - 1], Metrics.psnr(input, hybrid), Metrics.ssim(input, discrete), Metrics.ssim(input, hybrid),
                    Metrics.absErrorMap(input, discrete), Metrics.absErrorMap(input, hybrid), tokens, pn);
        } catch (OrtException e) {
            throw new EngineException("Could not build a tensor: " + e.getMessage(), e);
        }
    }

    private double[] codeNorms(int vocab, int cv) {
        double[] n = new double[vocab];
        for (int v = 0; v < vocab; v++) {
            double s = 0;
            for (int c = 0; c < cv; c++) {
                s += (double) codebook[v * cv + c] * codebook[v * cv + c];
            }
            n[v] = s;
        }
        return n;
    }

    /** argmin_v ‖z − E_v‖² as ‖E_v‖² − 2 z·E_v (‖z‖² is constant); first index on ties. */
    private int nearest(float[] z, int off, int cv, int vocab, double[] norms) {
        int best = 0;
        double bestD = Double.POSITIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            double dot = 0;
            for (int c = 0; c < cv; c++) {
                dot += (double) z[off + c] * codebook[v * cv + c];
            }
            double d = norms[v] - 2 * dot;
            if (d < bestD) {
                bestD = d;
                best = v;
            }
        }
        return best;
    }

    private static float[] mapToTokens(float[] map, int cv, int big) {
        int l = big * big;
        float[] t = new float[l * cv];
        for (int c = 0; c < cv; c++) {
            for (int n = 0; n < l; n++) {
                t[n * cv + c] = map[c * l + n];
            }
        }
        return t;
    }

    private RgbImage decode(OrtEnvironment env, float[] fhat, int cv, int big, int res, CancelToken cancel)
            throws OrtException, EngineException {
        try (OnnxTensor fT = Tensors.tensor(env, fhat, 1, cv, big, big);
             OrtSession.Result r = graphs.get(GraphRole.VAE_DECODER).run(Map.of("f_hat", fT), cancel)) {
            return RgbImage.fromPlanar(Tensors.floats(r, "image"), 0, res, res);
        }
    }
}
