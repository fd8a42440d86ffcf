package dev.hartstudio.engine;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.RunOptions;
import ai.onnxruntime.TensorInfo;
import dev.hartstudio.bundle.DType;
import dev.hartstudio.bundle.Dim;
import dev.hartstudio.bundle.GraphRole;
import dev.hartstudio.bundle.GraphSpec;
import dev.hartstudio.bundle.TensorSpec;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One ONNX graph of a bundle in an ONNX Runtime session. Opening checks the graph's own input and
 * output names, element types and ranks (and fixed sizes) against the manifest's declaration.
 * Runs and {@link #close()} are serialised (closing a session while it runs can crash the JVM);
 * a run is cancelled through its {@link CancelToken}.
 */
public final class OrtGraph implements AutoCloseable {

    private final GraphRole role;
    private final GraphSpec spec;
    private final String fileName;
    private final OrtSession session;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    private OrtGraph(GraphRole role, GraphSpec spec, String fileName, OrtSession session) {
        this.role = role;
        this.spec = spec;
        this.fileName = fileName;
        this.session = session;
    }

    /**
     * Loads {@code file} with the options of {@code provider} and checks it against {@code spec}.
     *
     * @throws EngineException naming the file and what was expected and found when they differ
     */
    public static OrtGraph open(ProviderChoice provider, GraphRole role, Path file, GraphSpec spec)
            throws EngineException {
        String fileName = String.valueOf(file.getFileName());
        OrtSession session;
        try {
            session = Ort.environment().createSession(file.toString(), provider.options());
        } catch (OrtException e) {
            throw new EngineException(fileName + " (" + role + " graph) could not be loaded by ONNX Runtime: "
                    + ProviderResolver.oneLine(e.getMessage()), e);
        }
        try {
            check(fileName, role, "input", session.getInputInfo(), spec.inputs());
            check(fileName, role, "output", session.getOutputInfo(), spec.outputs());
        } catch (OrtException e) {
            closeAfterFailure(session, e);
            throw new EngineException(fileName + " (" + role + " graph) metadata could not be read: "
                    + ProviderResolver.oneLine(e.getMessage()), e);
        } catch (EngineException | RuntimeException e) {
            closeAfterFailure(session, e);
            throw e;
        }
        return new OrtGraph(role, spec, fileName, session);
    }

    public GraphRole role() {
        return role;
    }

    /** The declared I/O, as checked against the graph at load. */
    public GraphSpec spec() {
        return spec;
    }

    /** Runs the graph and returns every output; the caller closes the result. */
    public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> inputs, CancelToken cancel)
            throws EngineException {
        return run(inputs, null, cancel);
    }

    /**
     * Runs the graph and returns the {@code outputs} named (every output when null); the caller
     * closes the result (try-with-resources). Waits while another thread runs or closes this graph.
     *
     * @throws EngineCancelledException when {@code cancel} is cancelled before or during the run
     */
    public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> inputs, Set<String> outputs,
            CancelToken cancel) throws EngineException {
        return run(inputs, outputs, Map.of(), cancel);
    }

    /**
     * Like {@link #run(Map, Set, CancelToken)}, with {@code pinned} outputs written straight into
     * tensors the caller made over its own direct buffers (no copy out of ONNX Runtime); those are not
     * in the result. {@code outputs} names the others and must not be null when {@code pinned} is not
     * empty.
     */
    public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> inputs, Set<String> outputs,
            Map<String, ? extends OnnxValue> pinned, CancelToken cancel) throws EngineException {
        if (!pinned.isEmpty() && outputs == null) {
            throw new IllegalArgumentException("name the outputs to allocate when some are pinned");
        }
        lock.lock();
        try {
            if (closed) {
                throw new EngineException("The " + role + " graph is already closed.");
            }
            cancel.throwIfCancelled();
            try (RunOptions runOptions = new RunOptions()) {
                Runnable terminate = () -> terminate(runOptions);
                cancel.register(terminate);
                try {
                    cancel.throwIfCancelled();
                    return outputs == null ? session.run(inputs, runOptions)
                            : session.run(inputs, outputs, pinned, runOptions);
                } catch (OrtException e) {
                    if (cancel.isCancelled()) {
                        throw new EngineCancelledException("Cancelled during the " + role + " graph.", e);
                    }
                    throw new EngineException("The " + role + " graph (" + fileName + ") failed on inputs "
                            + shapes(inputs) + ": " + ProviderResolver.oneLine(e.getMessage()), e);
                } finally {
                    cancel.unregister(terminate);
                }
            } catch (OrtException e) {
                throw new EngineException("ONNX Runtime could not prepare a run: " + ProviderResolver.oneLine(e.getMessage()), e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Closes the session once a run in flight has finished; idempotent. */
    @Override
    public void close() throws EngineException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            session.close();
        } catch (OrtException e) {
            throw new EngineException("The " + role + " graph (" + fileName + ") did not close cleanly: "
                    + ProviderResolver.oneLine(e.getMessage()), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return role + " (" + fileName + ")";
    }

    /** The inputs' names and shapes for a message, e.g. {@code x [2, 3], level [1]}; at most six, sorted by name. */
    static String shapes(Map<String, ? extends OnnxTensorLike> inputs) {
        List<String> shown = new java.util.ArrayList<>();
        for (String name : new TreeSet<>(inputs.keySet())) {
            if (shown.size() == 6) {
                shown.add("… (" + inputs.size() + " in all)");
                break;
            }
            OnnxTensorLike t = inputs.get(name);
            shown.add(name + " " + (t == null ? "null" : Arrays.toString(t.getInfo().getShape())));
        }
        return String.join(", ", shown);
    }

    private static void terminate(RunOptions runOptions) {
        try {
            runOptions.setTerminate(true);
        } catch (OrtException e) {
            // The run is ending anyway; the caller sees the cancel through the token.
        }
    }

    private static void closeAfterFailure(OrtSession session, Exception failure) {
        try {
            session.close();
        } catch (OrtException e) {
            failure.addSuppressed(e);
        }
    }

    private static void check(String file, GraphRole role, String kind, Map<String, NodeInfo> actual,
            List<TensorSpec> declared) throws EngineException {
        Set<String> declaredNames = new TreeSet<>();
        declared.forEach(t -> declaredNames.add(t.name()));
        if (!declaredNames.equals(new TreeSet<>(actual.keySet()))) {
            throw new EngineException(file + ": the graph's " + kind + "s are " + new TreeSet<>(actual.keySet())
                    + ", but manifest.json graphs." + role.key() + "." + kind + "s declares " + declaredNames + ".");
        }
        for (TensorSpec expected : declared) {
            String what = file + ": " + kind + " \"" + expected.name() + "\"";
            if (!(actual.get(expected.name()).getInfo() instanceof TensorInfo)) {
                throw new EngineException(what + " is not a tensor in the graph, but manifest.json declares "
                        + expected + ".");
            }
            TensorInfo info = (TensorInfo) actual.get(expected.name()).getInfo();
            OnnxJavaType wanted = javaType(expected.dtype());
            if (info.type != wanted) {
                throw new EngineException(what + " is " + describe(info) + " in the graph, but manifest.json declares "
                        + expected.dtype() + ".");
            }
            long[] shape = info.getShape();
            if (shape.length != expected.rank()) {
                throw new EngineException(what + " has rank " + shape.length + " " + Arrays.toString(shape)
                        + " in the graph, but manifest.json declares rank " + expected.rank() + " " + expected.shape() + ".");
            }
            for (int axis = 0; axis < shape.length; axis++) {
                Dim dim = expected.shape().get(axis);
                if (!dim.isSymbolic() && shape[axis] >= 0 && shape[axis] != dim.size()) {
                    throw new EngineException(what + " has size " + shape[axis] + " on axis " + axis
                            + " in the graph, but manifest.json declares " + dim.size() + ".");
                }
                // A dynamic axis the graph fixed would reject every other size at run time.
                if (dim.isSymbolic() && shape[axis] >= 0 && kind.equals("input")) {
                    throw new EngineException(what + " has a fixed size " + shape[axis] + " on axis " + axis
                            + " in the graph, but manifest.json declares it dynamic (\"" + dim.symbol() + "\").");
                }
            }
        }
    }

    private static String describe(TensorInfo info) {
        for (DType t : DType.values()) {
            if (javaType(t) == info.type) {
                return t.manifestName();
            }
        }
        return info.type.toString().toLowerCase(java.util.Locale.ROOT);
    }

    static OnnxJavaType javaType(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> OnnxJavaType.FLOAT;
            case FLOAT16 -> OnnxJavaType.FLOAT16;
            case BFLOAT16 -> OnnxJavaType.BFLOAT16;
            case FLOAT64 -> OnnxJavaType.DOUBLE;
            case INT64 -> OnnxJavaType.INT64;
            case INT32 -> OnnxJavaType.INT32;
            case INT8 -> OnnxJavaType.INT8;
            case UINT8 -> OnnxJavaType.UINT8;
            case BOOL -> OnnxJavaType.BOOL;
        };
    }
}
