package dev.hartstudio.engine.sample;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.EnumMap;
import java.util.Map;

/**
 * Reused direct buffers for the graph inputs and pinned outputs of one generation loop, one per
 * {@link Slot}. A tensor on a direct buffer is a view: ONNX Runtime Java copies a heap array into a
 * freshly allocated direct buffer for every tensor made from it (about 70 allocations per HART-tiny
 * image), while a slot's buffer is allocated once and only grows.
 *
 * <p>A slot holds one tensor at a time: a tensor made on a slot must be closed (or no longer read)
 * before the slot is used again. Not thread-safe; the sampler that owns it generates one job at a
 * time.
 */
final class DirectStores {

    /** What a buffer holds; each is used by one place in the generation loop. */
    enum Slot {
        /** condition inputs {@code ctx2}, {@code mask2} (live for the whole generation) */
        CTX, MASK,
        /** RoPE tables of the scale being run */
        COS, SIN,
        /** fhat_step inputs and its pinned {@code f_hat_out} */
        FHAT, H, UP, FHAT_OUT,
        /** the embed graph's latent input */
        LATENT,
        /** diffusion: diff_cond's hard embedding input and pinned {@code cemb}, diff_mlp's inputs and pinned output */
        E_HARD, CEMB, DIFF_X, DIFF_T, DIFF_OUT,
        /** the decoder's input and pinned image (the generation loop's decodes; not the deferred ones) */
        DECODE_IN, IMAGE,
        /** the first step's conditional rows of {@code x0}, {@code ada}, {@code head_ada} (when the unconditional ones are kept) */
        FIRST_X, FIRST_ADA, FIRST_HEAD
    }

    private final Map<Slot, ByteBuffer> stores = new EnumMap<>(Slot.class);

    /** Spare room a slot may keep: beyond it the buffer is replaced by one of the size asked for. */
    static final long MAX_SPARE_BYTES = 64L << 20;

    /**
     * The slot's buffer with room for {@code n} floats, positioned at 0 with limit {@code n}. A
     * buffer grows as needed, and is replaced by a smaller one when it is more than
     * {@link #MAX_SPARE_BYTES} too big (a batch of 8 at 1024 px does not keep hundreds of MB after
     * the next single image).
     */
    FloatBuffer floats(Slot slot, int n) {
        ByteBuffer b = stores.get(slot);
        if (b == null || b.capacity() < 4L * n || b.capacity() - 4L * n > MAX_SPARE_BYTES) {
            b = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder());
            stores.put(slot, b);
        }
        return b.asFloatBuffer().limit(n);
    }

    /** A tensor of {@code shape} over the slot's buffer, filled with {@code data} (its length must match the shape). */
    OnnxTensor input(OrtEnvironment env, Slot slot, float[] data, long... shape) throws OrtException {
        FloatBuffer b = floats(slot, data.length);
        b.put(data).rewind();
        return OnnxTensor.createTensor(env, b, shape);
    }

    /** A tensor of {@code shape} over the slot's buffer, filled with the first elements of {@code data} (as many as the shape holds). */
    OnnxTensor prefix(OrtEnvironment env, Slot slot, float[] data, long... shape) throws OrtException {
        int n = Math.toIntExact(count(shape));
        FloatBuffer b = floats(slot, n);
        b.put(data, 0, n).rewind();
        return OnnxTensor.createTensor(env, b, shape);
    }

    /** A tensor of {@code shape} over the slot's buffer for ONNX Runtime to write an output into. */
    OnnxTensor output(OrtEnvironment env, Slot slot, long... shape) throws OrtException {
        return OnnxTensor.createTensor(env, floats(slot, Math.toIntExact(count(shape))), shape);
    }

    private static long count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
