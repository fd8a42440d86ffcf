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
import dev.hartstudio.engine.TextEncoder;
import dev.hartstudio.engine.TokenizedPrompts;
import dev.hartstudio.engine.generate.GenerationControl;
import java.util.List;
import java.util.Map;

/**
 * Stage "text conditioning" (HART-INFERENCE 2.1-2.4 and 3.2): the prompts through the tokenizer and
 * the {@code text_encoder} graph, the CFG-doubled context (unconditional rows: zero context,
 * positions 0, a mask with slot 0 only), and the {@code condition} graph's first tokens and AdaLN
 * modulations. Owns the direct buffers of the condition inputs.
 */
final class PromptConditioning {

    private final TextEncoder text;
    private final ModelConfig model;
    private final Schedule schedule;
    private final GraphRunner graphs;
    private final DirectStores stores = new DirectStores();

    PromptConditioning(TextEncoder text, ModelConfig model, Schedule schedule, GraphRunner graphs) {
        this.text = text;
        this.model = model;
        this.schedule = schedule;
        this.graphs = graphs;
    }

    /** Conditions the {@code B} prompts; the result holds native tensors until closed. */
    Conditioning encode(List<String> prompts, GenerationControl control) throws EngineException, OrtException {
        OrtEnvironment env = Ort.environment();
        int batch = prompts.size();
        int rows2 = 2 * batch;
        int slots = model.contextTokens();
        TokenizedPrompts tp = text.encode(prompts);
        float[] ctx;
        try (OnnxTensor ids = Tensors.longs(env, tp.inputIds(), batch, tp.sequenceLength());
             OnnxTensor mask = Tensors.longs(env, tp.attentionMask(), batch, tp.sequenceLength());
             OrtSession.Result r = graphs.run(GraphRole.TEXT_ENCODER, Map.of("input_ids", ids, "attention_mask", mask), control)) {
            ctx = Tensors.floats(r, "ctx");
        }
        int dt = model.contextDim();
        float[] ctx2 = new float[rows2 * slots * dt];   // [2B, T, Dt]
        System.arraycopy(ctx, 0, ctx2, 0, ctx.length);
        float[] mask2 = new float[rows2 * slots];
        long[] pos2 = new long[rows2 * slots];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < slots; t++) {
                mask2[b * slots + t] = tp.promptMask()[b * slots + t];
                pos2[b * slots + t] = tp.positions()[b * slots + t];
            }
            mask2[(batch + b) * slots] = 1f;
        }
        long[] offsets = new long[rows2];
        for (int r = 0; r < rows2; r++) {
            offsets[r] = pos2[r * slots + slots - 1];
        }
        Tensors.Closer open = new Tensors.Closer();
        try {
            OnnxTensor ctxT = open.track(stores.input(env, DirectStores.Slot.CTX, ctx2, rows2, slots, dt));
            OnnxTensor maskT = open.track(stores.input(env, DirectStores.Slot.MASK, mask2, rows2, slots));
            OrtSession.Result cond = open.track(graphs.run(GraphRole.CONDITION, Map.of("ctx2", ctxT, "mask2", maskT), control));
            float[][] rope = SamplerMath.rope1d(pos2, rows2, slots, schedule.rope().invFreq1d());
            return new Conditioning(batch, cond, rope, offsets, open);
        } catch (OrtException | EngineException | RuntimeException e) {
            open.close();
            throw e;
        }
    }

    /**
     * The conditioning of one generation: {@code x0 [2B, T, C]} (the text slots with the level-0
     * embedding), {@code ada [NL, 2B, 6C]}, {@code head_ada [2B, 2C]}, the 1D RoPE tables of the text
     * prefill {@code [2B, T, d]} (cos, sin) and each row's image-position offset {@code pos2[row, T-1]}.
     */
    static final class Conditioning implements AutoCloseable {

        private final int batch;
        private final OnnxTensor x0;
        private final OnnxTensor ada;
        private final OnnxTensor headAda;
        private final float[][] rope1d;
        private final long[] offsets;
        private final Tensors.Closer open;

        private Conditioning(int batch, OrtSession.Result result, float[][] rope1d, long[] offsets, Tensors.Closer open) {
            this.batch = batch;
            this.x0 = (OnnxTensor) result.get("x0").get();
            this.ada = (OnnxTensor) result.get("ada").get();
            this.headAda = (OnnxTensor) result.get("head_ada").get();
            this.rope1d = rope1d;
            this.offsets = offsets;
            this.open = open;
        }

        int batch() {
            return batch;
        }

        OnnxTensor x0() {
            return x0;
        }

        OnnxTensor ada() {
            return ada;
        }

        OnnxTensor headAda() {
            return headAda;
        }

        float[][] rope1d() {
            return rope1d;
        }

        long[] offsets() {
            return offsets;
        }

        @Override
        public void close() {
            open.close();
        }
    }
}
