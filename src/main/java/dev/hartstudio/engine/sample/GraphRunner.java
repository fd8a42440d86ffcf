package dev.hartstudio.engine.sample;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.hartstudio.bundle.GraphRole;
import dev.hartstudio.engine.BundleGraphs;
import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.generate.GenerationControl;
import java.util.Map;
import java.util.Set;

/** Runs the bundle's graphs for the sampling stages and adds up the time spent inside {@code OrtSession.run}. */
final class GraphRunner {

    private final BundleGraphs graphs;
    private long insideOrt;

    GraphRunner(BundleGraphs graphs) {
        this.graphs = graphs;
    }

    /** Starts a new generation's count. */
    void restartClock() {
        insideOrt = 0;
    }

    /** Time inside {@code OrtSession.run} since {@link #restartClock()} (nanoseconds). */
    long insideOrtNanos() {
        return insideOrt;
    }

    /** Runs {@code role} for all its outputs. */
    OrtSession.Result run(GraphRole role, Map<String, OnnxTensor> inputs, GenerationControl control)
            throws EngineException {
        return run(role, inputs, null, Map.of(), control);
    }

    /**
     * Runs {@code role}, returning {@code outputs} (null: all but the pinned ones) and writing the
     * {@code pinned} outputs into the caller's tensors.
     */
    OrtSession.Result run(GraphRole role, Map<String, OnnxTensor> inputs, Set<String> outputs,
            Map<String, OnnxTensor> pinned, GenerationControl control) throws EngineException {
        long t = System.nanoTime();
        try {
            return graphs.get(role).run(inputs, outputs, pinned, control.token());
        } finally {
            insideOrt += System.nanoTime() - t;
        }
    }
}
