package dev.hartstudio.engine.sample;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.hartstudio.bundle.GraphRole;
import dev.hartstudio.bundle.ModelConfig;
import dev.hartstudio.bundle.TensorSpec;
import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.Ort;
import dev.hartstudio.engine.generate.GenerationControl;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stage "the transformer over one scale" (HART-INFERENCE 3.6, 4.2, 4.3): the {@code step} graph's
 * inputs and outputs, with the KV cache carried from scale to scale. Owns the logits store that
 * ONNX Runtime writes {@code [2B, l, V]} into, the RoPE tables' buffers and (in
 * {@link FirstStepCache}) the unconditional rows' first step kept across generations.
 */
final class StepGraph {

    private static final Set<String> LAST_STEP_OUTPUTS = Set.of("hidden");

    private final ModelConfig model;
    private final GraphRunner graphs;
    /**
     * The step graph's cache inputs and outputs: {@code past_k_i}/{@code past_v_i} per block, or
     * {@code past_k}/{@code past_v} for a bundle with the older stacked cache ({@code [NL, ...]});
     * k and v alternate.
     */
    private final List<String> cacheIn;
    private final List<String> cacheOut;
    private final boolean stackedCache;
    /** The step outputs asked for before the last scale: hidden and the present cache. */
    private final Set<String> stepOutputs;
    private final FirstStepCache firstStep;
    private final DirectStores stores = new DirectStores();
    /** The step graph's logits {@code [2B, l, V]}, written there by ONNX Runtime; grows, never shrinks. */
    private ByteBuffer logitsStore;

    StepGraph(ModelConfig model, List<TensorSpec> stepInputs, GraphRunner graphs) {
        this.model = model;
        this.graphs = graphs;
        List<String> stepIn = stepInputs.stream().map(TensorSpec::name).toList();
        this.stackedCache = GraphRole.stackedCache(stepIn);
        this.cacheIn = GraphRole.cacheNames("past", model.depth(), stackedCache);
        this.cacheOut = GraphRole.cacheNames("present", model.depth(), stackedCache);
        Set<String> so = new HashSet<>(cacheOut);
        so.add("hidden");
        this.stepOutputs = Set.copyOf(so);
        this.firstStep = new FirstStepCache(model, cacheIn, cacheOut, graphs);
    }

    /** Whether the next generation runs its first step on the conditional rows only (see {@link FirstStepCache}). */
    boolean reusesUnconditionalFirstStep() {
        return firstStep.ready();
    }

    /** Starts the scales of one generation with an empty cache. */
    Pass begin(PromptConditioning.Conditioning cond) throws OrtException, EngineException {
        return new Pass(cond);
    }

    /** A direct native-order view of {@code floats} floats over the reused logits store. */
    private FloatBuffer logitsBuffer(int floats) {
        if (logitsStore == null || logitsStore.capacity() < 4L * floats) {
            logitsStore = ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder());
        }
        return logitsStore.asFloatBuffer().limit(floats);
    }

    /**
     * The step graph through the scales of one generation: the cache tensors in and out, the last
     * step's result (its logits and hidden states) and the first step's assembled cache. Closing it
     * frees every native tensor it still holds.
     */
    final class Pass implements AutoCloseable {

        private final PromptConditioning.Conditioning cond;
        private final Tensors.Closer open = new Tensors.Closer();
        /** The cache of the next step: one {@code [2B, H, L, d]} tensor per block (or one stacked {@code [NL, ...]}). */
        private final OnnxTensor[] cache = new OnnxTensor[cacheIn.size()];
        /** The first step's assembled cache tensors, consumed by the second step. */
        private final List<OnnxTensor> assembled = new ArrayList<>();
        private OrtSession.Result current;
        private int scale = -1;

        private Pass(PromptConditioning.Conditioning cond) throws OrtException, EngineException {
            this.cond = cond;
            OrtEnvironment env = Ort.environment();
            int rows2 = 2 * cond.batch();
            for (int i = 0; i < cache.length; i++) {   // the empty cache: [2B, H, 0, d] or [NL, 2B, H, 0, d]
                cache[i] = open.track(stackedCache
                        ? Tensors.tensor(env, new float[0], model.depth(), rows2, model.numHeads(), 0, model.headDim())
                        : Tensors.tensor(env, new float[0], rows2, model.numHeads(), 0, model.headDim()));
            }
        }

        /**
         * Runs scale {@code k} on its input {@code x [2B, l, C]} (scale 0: the text slots) with its
         * RoPE tables; the previous step's outputs are freed and this one's cache is kept for the next.
         */
        void run(int k, OnnxTensor x, float[][] rope, GenerationControl control) throws OrtException, EngineException {
            int batch = cond.batch();
            int scales = model.scales();
            int lIn = tokenTotal(k);
            boolean conditionalOnly = k == 0 && firstStep.ready();
            int rows = conditionalOnly ? batch : 2 * batch;
            int hd = model.headDim();
            OrtSession.Result step;
            List<OnnxTensor> firstCache = new ArrayList<>();
            try (OnnxTensor cosT = stores.prefix(Ort.environment(), DirectStores.Slot.COS, rope[0], rows, lIn, hd);
                 OnnxTensor sinT = stores.prefix(Ort.environment(), DirectStores.Slot.SIN, rope[1], rows, lIn, hd)) {
                if (conditionalOnly) {
                    step = firstStep.runConditionalRows(cond, cosT, sinT, cache, firstCache,
                            logitsBuffer(2 * batch * lIn * model.codebookSize()), control);
                    firstCache.forEach(open::track);   // closed after the next step, or with the rest on a failure
                } else {
                    step = allRows(x, cosT, sinT, rows, lIn, k == scales - 1, control);
                    if (k == 0 && !stackedCache && scales > 1) {   // the only place the first step is kept
                        firstStep.keep(step, batch, logitsStore.asFloatBuffer());
                    }
                }
            }
            if (current != null) {
                open.release(current);
                for (OnnxTensor t : assembled) {   // the assembled first-step cache, consumed by this step
                    open.release(t);
                }
                assembled.clear();
            }
            assembled.addAll(firstCache);
            current = open.track(step);
            scale = k;
            if (k < scales - 1 && !conditionalOnly) {   // else already set by the first step
                for (int i = 0; i < cache.length; i++) {
                    cache[i] = (OnnxTensor) step.get(cacheOut.get(i)).get();
                }
            }
        }

        /** The last step's logits {@code [2B, tokenTotal, V]}. */
        FloatBuffer logits() {
            return logitsStore.asFloatBuffer();
        }

        /** Where the tokens of scale {@code k} start in its logits (scale 0: the last text slot). */
        int tokenOffset(int k) {
            return k == 0 ? model.contextTokens() - 1 : 0;
        }

        /** The positions the step of scale {@code k} runs on. */
        int tokenTotal(int k) {
            int p = model.patchNums().get(k);
            return k == 0 ? model.contextTokens() : p * p;
        }

        /** The last scale's hidden states {@code [2B, l, C]} (the diffusion condition). */
        OnnxTensor hidden() {
            if (scale != model.scales() - 1) {
                throw new IllegalStateException("hidden states are kept for the last scale only");
            }
            return (OnnxTensor) current.get("hidden").get();
        }

        /**
         * One step on all {@code 2B} rows: the logits go straight into the reused direct buffer (no
         * copy out of ONNX Runtime); after the last scale the cache is not needed and not copied out
         * (HART 1024 px: 3.8 GB on a GPU).
         */
        private OrtSession.Result allRows(OnnxTensor x, OnnxTensor cosT, OnnxTensor sinT, int rows2, int lIn,
                boolean last, GenerationControl control) throws OrtException, EngineException {
            try (OnnxTensor logitsT = OnnxTensor.createTensor(Ort.environment(),
                    logitsBuffer(rows2 * lIn * model.codebookSize()), new long[] {rows2, lIn, model.codebookSize()})) {
                Map<String, OnnxTensor> in = new HashMap<>();
                in.put("x", x);
                in.put("cos", cosT);
                in.put("sin", sinT);
                in.put("ada", cond.ada());
                in.put("head_ada", cond.headAda());
                for (int i = 0; i < cache.length; i++) {
                    in.put(cacheIn.get(i), cache[i]);
                }
                return graphs.run(GraphRole.STEP, in, last ? LAST_STEP_OUTPUTS : stepOutputs, Map.of("logits", logitsT),
                        control);
            }
        }

        @Override
        public void close() {
            open.close();
        }
    }
}
