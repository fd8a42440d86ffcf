package dev.hartstudio.engine;

import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;

/**
 * The execution provider the engine settled on, with the session options every graph of one model
 * shares. Close it after every {@link OrtGraph} opened with it (ONNX Runtime requires session
 * options to outlive their sessions). Made by {@link ProviderResolver}.
 */
public final class ProviderChoice implements AutoCloseable {

    private final ExecutionProvider requested;
    private final ExecutionProvider actual;
    private final String reason;
    private final SessionOptions options;
    private final OrtCUDAProviderOptions cudaOptions;
    private boolean closed;

    ProviderChoice(ExecutionProvider requested, ExecutionProvider actual, String reason, SessionOptions options,
            OrtCUDAProviderOptions cudaOptions) {
        this.requested = requested;
        this.actual = actual;
        this.reason = reason;
        this.options = options;
        this.cudaOptions = cudaOptions;
    }

    /** What the user asked for. */
    public ExecutionProvider requested() {
        return requested;
    }

    /** What the graphs will use: {@link ExecutionProvider#CPU} or a CUDA device, never AUTO. */
    public ExecutionProvider actual() {
        return actual;
    }

    /** Why: e.g. "CPU requested", "no NVIDIA driver found", or ONNX Runtime's message when CUDA failed. */
    public String reason() {
        return reason;
    }

    public boolean usesCuda() {
        return actual.kind() == ExecutionProvider.Kind.CUDA;
    }

    /** E.g. {@code cpu (no NVIDIA driver found)}. */
    public String describe() {
        return actual + " (" + reason + ")";
    }

    synchronized SessionOptions options() {
        if (closed) {
            throw new IllegalStateException("provider choice " + describe() + " is closed");
        }
        return options;
    }

    /** Frees the native options; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            options.close();
        } finally {
            if (cudaOptions != null) {
                cudaOptions.close();
            }
        }
    }
}
