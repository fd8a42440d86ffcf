package dev.hartstudio.engine.sample;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.hartstudio.bundle.GraphRole;
import dev.hartstudio.bundle.ModelConfig;
import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.Ort;
import dev.hartstudio.engine.generate.GenerationControl;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The unconditional rows' first step, which no prompt changes (their context is the empty one,
 * their positions 0; HART-INFERENCE 2.4, 4.2): per block the present k and v of one row,
 * {@code [H, T, d]} each (k and v alternating as the cache outputs), and that row's logits at the
 * last slot. Kept from the first generation; later ones run the first step on the conditional rows
 * only (row results do not depend on the other rows of the batch: the same bits either way). Not
 * kept for a bundle with the stacked cache.
 */
final class FirstStepCache {

    private final ModelConfig model;
    private final List<String> cacheIn;
    private final List<String> cacheOut;
    private final GraphRunner graphs;
    private final DirectStores stores = new DirectStores();
    private float[][] uncondCache;
    private float[] uncondLogits;
    /** The assembled first-step cache buffers of the last batch size (see {@link #assembledStores}). */
    private FloatBuffer[] assembledStores;
    private int assembledBatch;

    FirstStepCache(ModelConfig model, List<String> cacheIn, List<String> cacheOut, GraphRunner graphs) {
        this.model = model;
        this.cacheIn = cacheIn;
        this.cacheOut = cacheOut;
        this.graphs = graphs;
    }

    /** Whether the unconditional rows' first step is kept. */
    boolean ready() {
        return uncondCache != null;
    }

    /** Keeps the first unconditional row's results from a full first step whose logits are in {@code logits}. */
    void keep(OrtSession.Result step, int batch, FloatBuffer logits) throws EngineException {
        int slots = model.contextTokens();
        int vocab = model.codebookSize();
        int rowFloats = model.numHeads() * slots * model.headDim();
        float[][] kept = new float[cacheOut.size()][];
        for (int i = 0; i < kept.length; i++) {
            OnnxTensor t = (OnnxTensor) step.get(cacheOut.get(i))
                    .orElseThrow(() -> new EngineException("The step graph returned no cache."));
            FloatBuffer fb = t.getFloatBuffer();
            kept[i] = new float[rowFloats];
            fb.get(batch * rowFloats, kept[i]);
        }
        float[] l = new float[vocab];
        logits.get((batch * slots + slots - 1) * vocab, l);
        uncondCache = kept;
        uncondLogits = l;
    }

    /**
     * The first step on the {@code B} conditional rows only: their present k/v fill the first half
     * of each block's cache tensor, the kept unconditional rows' the second half, and the kept
     * last-slot logits go where the CFG reads them in {@code logits} ({@code [2B, T, V]}). Sets
     * {@code cache} to the assembled {@code [2B, H, T, d]} tensors and adds them to {@code assembled}
     * (the caller closes them once the next step has run); returns the run's result (no outputs of
     * its own).
     *
     * @param cos the conditional rows' RoPE table {@code [B, T, d]}, likewise {@code sin}
     */
    OrtSession.Result runConditionalRows(PromptConditioning.Conditioning cond, OnnxTensor cos, OnnxTensor sin,
            OnnxTensor[] cache, List<OnnxTensor> assembled, FloatBuffer logits, GenerationControl control)
            throws OrtException, EngineException {
        OrtEnvironment env = Ort.environment();
        int batch = cond.batch();
        int slots = model.contextTokens();
        int heads = model.numHeads();
        int hd = model.headDim();
        int vocab = model.codebookSize();
        int rowFloats = heads * slots * hd;
        try (Tensors.Closer inputs = new Tensors.Closer()) {
            try {
                Map<String, OnnxTensor> in = new HashMap<>();
                in.put("x", inputs.track(firstRows(env, DirectStores.Slot.FIRST_X, cond.x0(), 0, batch)));             // [2B, T, C]
                in.put("ada", inputs.track(firstRows(env, DirectStores.Slot.FIRST_ADA, cond.ada(), 1, batch)));        // [NL, 2B, 6C]
                in.put("head_ada", inputs.track(firstRows(env, DirectStores.Slot.FIRST_HEAD, cond.headAda(), 0, batch))); // [2B, 2C]
                in.put("cos", cos);
                in.put("sin", sin);
                for (String name : cacheIn) {
                    in.put(name, inputs.track(Tensors.tensor(env, new float[0], batch, heads, 0, hd)));
                }
                Map<String, OnnxTensor> pinned = new HashMap<>();
                pinned.put("logits", inputs.track(OnnxTensor.createTensor(env,
                        logits.duplicate().limit(batch * slots * vocab).slice(), new long[] {batch, slots, vocab})));
                FloatBuffer[] whole = assembledStores(batch, rowFloats);
                for (int i = 0; i < cacheOut.size(); i++) {
                    pinned.put(cacheOut.get(i), inputs.track(OnnxTensor.createTensor(env,
                            whole[i].duplicate().limit(batch * rowFloats).slice(), new long[] {batch, heads, slots, hd})));
                    cache[i] = OnnxTensor.createTensor(env, whole[i].duplicate(), new long[] {2L * batch, heads, slots, hd});
                    assembled.add(cache[i]);
                }
                OrtSession.Result r = graphs.run(GraphRole.STEP, in, Set.of(), pinned, control);
                for (int b = 0; b < batch; b++) {
                    logits.put(((batch + b) * slots + slots - 1) * vocab, uncondLogits);
                }
                return r;
            } catch (OrtException | EngineException | RuntimeException e) {
                for (OnnxTensor t : assembled) {
                    t.close();
                }
                assembled.clear();
                throw e;
            }
        }
    }

    /**
     * The first {@code batch} of the {@code 2B} CFG rows (axis {@code axis}) of a condition output,
     * copied onto the slot's direct buffer.
     */
    private OnnxTensor firstRows(OrtEnvironment env, DirectStores.Slot slot, OnnxTensor t, int axis, int batch)
            throws OrtException {
        long[] shape = t.getInfo().getShape().clone();
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= Math.toIntExact(shape[i]);
        }
        int row = Math.toIntExact(t.getInfo().getNumElements()) / (outer * 2 * batch);
        FloatBuffer src = t.getFloatBuffer();
        FloatBuffer dst = stores.floats(slot, outer * batch * row);
        for (int i = 0; i < outer; i++) {
            dst.put(i * batch * row, src, i * 2 * batch * row, batch * row);
        }
        shape[axis] = batch;
        return OnnxTensor.createTensor(env, dst.rewind(), shape);
    }

    /**
     * Direct buffers for the first step's assembled cache, {@code [2B, H, T, d]} per output, kept
     * across generations of the same batch size with the unconditional rows already in their second
     * half (when together within {@link DirectStores#MAX_SPARE_BYTES}; larger ones are made anew).
     */
    private FloatBuffer[] assembledStores(int batch, int rowFloats) {
        if (assembledStores != null && assembledBatch == batch) {
            return assembledStores;
        }
        FloatBuffer[] made = new FloatBuffer[cacheOut.size()];
        for (int i = 0; i < made.length; i++) {
            made[i] = ByteBuffer.allocateDirect(4 * 2 * batch * rowFloats).order(ByteOrder.nativeOrder()).asFloatBuffer();
            for (int b = 0; b < batch; b++) {
                made[i].put((batch + b) * rowFloats, uncondCache[i]);
            }
        }
        boolean keep = 4L * 2 * batch * rowFloats * made.length <= DirectStores.MAX_SPARE_BYTES;
        assembledStores = keep ? made : null;
        assembledBatch = keep ? batch : 0;
        return made;
    }
}
