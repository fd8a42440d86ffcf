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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Set;

/**
 * Stage "accumulating {@code f_hat} and building the next input" (HART-INFERENCE 4.5): a scale's
 * token embeddings, bicubic-upsampled and blended by Phi ({@code fhat_step}), are added into the
 * latent {@code f_hat [B, Cv, P, P]}; its area resize to the next scale goes through {@code embed}
 * (word and level embedding) into the next step's input {@code x [2B, l, C]}. Owns the buffers of
 * both graphs and the reused store of {@code x}.
 */
final class NextScaleInput {

    private final ModelConfig model;
    private final Schedule schedule;
    private final GraphRunner graphs;
    private final DirectStores stores = new DirectStores();
    private FloatBuffer embedStore;

    NextScaleInput(ModelConfig model, Schedule schedule, GraphRunner graphs) {
        this.model = model;
        this.schedule = schedule;
        this.graphs = graphs;
    }

    /**
     * Adds scale {@code k}'s embeddings {@code e [B·l_k, Cv]} into {@code fhat} (in place) and returns
     * the input of scale {@code k + 1}; the caller closes it once that step has run.
     */
    OnnxTensor advance(float[] fhat, float[] e, int batch, int k, GenerationControl control)
            throws OrtException, EngineException {
        OrtEnvironment env = Ort.environment();
        int cv = model.latentChannels();
        int big = model.finestPatch();
        Schedule.Scale sc = schedule.scales().get(k);
        int p = sc.p();
        float[] h = SamplerMath.tokensToMap(e, batch, p, cv);
        fhatStep(env, fhat, h, batch, cv, big, p, schedule.up().get(k).toFloat32(), sc.phiIndex(), control);
        int pn = schedule.scales().get(k + 1).p();
        float[] next = SamplerMath.area(fhat, batch, cv, big, schedule.down().get(k + 1).data(), pn);
        return embed(env, next, batch, pn * pn, cv, k + 1, model.embedDim(), control);
    }

    /** {@code fhat += (e + rho)} with the tokens {@code [B·P², Cv]} laid out as a map; {@code rho} may be null. */
    static void addTokens(float[] fhat, float[] e, float[] rho, int batch, int cv, int big) {
        int l = big * big;
        for (int b = 0; b < batch; b++) {
            for (int n = 0; n < l; n++) {
                for (int c = 0; c < cv; c++) {
                    int i = (b * l + n) * cv + c;
                    float v = rho == null ? e[i] : e[i] + rho[i];
                    int o = (b * cv + c) * l + n;
                    fhat[o] = fhat[o] + v;
                }
            }
        }
    }

    private void fhatStep(OrtEnvironment env, float[] fhat, float[] h, int batch, int cv, int big, int p, float[] up,
            int phi, GenerationControl control) throws OrtException, EngineException {
        try (OnnxTensor f = stores.input(env, DirectStores.Slot.FHAT, fhat, batch, cv, big, big);
             OnnxTensor hT = stores.input(env, DirectStores.Slot.H, h, batch, cv, p, p);
             OnnxTensor upT = stores.input(env, DirectStores.Slot.UP, up, big, p);
             OnnxTensor phiT = Tensors.longs(env, new long[] {phi}, 1);
             OnnxTensor outT = stores.output(env, DirectStores.Slot.FHAT_OUT, batch, cv, big, big);
             OrtSession.Result r = graphs.run(GraphRole.FHAT_STEP, Map.of("f_hat", f, "h", hT, "up", upT, "phi_index", phiT),
                     Set.of(), Map.of("f_hat_out", outT), control)) {
            stores.floats(DirectStores.Slot.FHAT_OUT, fhat.length).get(fhat);   // the input was copied into its slot
        }
    }

    /** word_embed + level embedding, duplicated for both CFG halves: {@code [2B, l, C]}. */
    private OnnxTensor embed(OrtEnvironment env, float[] latent, int batch, int l, int cv, int level, int width,
            GenerationControl control) throws OrtException, EngineException {
        // ONNX Runtime writes x into the first half of a reused direct buffer, the second half (the
        // unconditional rows) is one copy of it, and the step's input tensor is that buffer: no copy
        // out of ONNX Runtime, no heap arrays. The buffer is free again once the step has run.
        int n = batch * l * width;
        FloatBuffer store = embedStore(2 * n);
        try (OnnxTensor lat = stores.input(env, DirectStores.Slot.LATENT, latent, batch, l, cv);
             OnnxTensor lev = Tensors.longs(env, new long[] {level}, 1);
             OnnxTensor out = OnnxTensor.createTensor(env, store.duplicate().limit(n).slice(), new long[] {batch, l, width});
             OrtSession.Result r = graphs.run(GraphRole.EMBED, Map.of("latent", lat, "level", lev), Set.of(),
                     Map.of("x", out), control)) {
            store.duplicate().position(n).limit(2 * n).slice().put(store.duplicate().limit(n).slice());
        }
        return OnnxTensor.createTensor(env, store.duplicate().limit(2 * n).slice(), new long[] {2 * batch, l, width});
    }

    /** The reused direct store of the step input x (see {@link #embed}). */
    private FloatBuffer embedStore(int floats) {
        if (embedStore == null || embedStore.capacity() < floats) {
            embedStore = ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        return embedStore;
    }
}
