package dev.hartstudio.engine.sample;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.hartstudio.engine.EngineException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;

/** Small tensor helpers of the sampling stages: heap arrays in, heap arrays out, and a closer. */
final class Tensors {

    private Tensors() {
    }

    /** A float tensor of {@code shape} over {@code data} (ONNX Runtime copies it into native memory). */
    static OnnxTensor tensor(OrtEnvironment env, float[] data, long... shape) throws OrtException {
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
    }

    /** An int64 tensor of {@code shape} over {@code data}. */
    static OnnxTensor longs(OrtEnvironment env, long[] data, long... shape) throws OrtException {
        return OnnxTensor.createTensor(env, LongBuffer.wrap(data), shape);
    }

    /** The output {@code name} of {@code r}, copied to a heap array. */
    static float[] floats(OrtSession.Result r, String name) throws EngineException {
        OnnxTensor t = (OnnxTensor) r.get(name).orElseThrow(() -> new EngineException("A graph returned no '" + name + "' output."));
        FloatBuffer fb = t.getFloatBuffer();
        float[] a = new float[fb.remaining()];
        fb.get(a);
        return a;
    }

    /**
     * Native things of one generation that are closed together: in reverse order, all of them even
     * when one close fails; one released early is closed at once and forgotten.
     */
    static final class Closer implements AutoCloseable {

        private final List<AutoCloseable> open = new ArrayList<>();

        <T extends AutoCloseable> T track(T value) {
            open.add(value);
            return value;
        }

        /** Closes {@code value} now (when tracked, it is no longer). */
        void release(AutoCloseable value) {
            open.remove(value);
            closeQuietly(value);
        }

        @Override
        public void close() {
            for (int i = open.size() - 1; i >= 0; i--) {
                closeQuietly(open.get(i));
            }
            open.clear();
        }

        private static void closeQuietly(AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing native memory cannot fail in a way the caller can act on
            }
        }
    }
}
