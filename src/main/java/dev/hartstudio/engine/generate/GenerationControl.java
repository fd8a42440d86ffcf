package dev.hartstudio.engine.generate;

import dev.hartstudio.engine.CancelToken;

/**
 * The caller's handle on a running generation: cancel (nothing is returned) or stop here (the
 * engine finishes the scale it is on, decodes the coarse latent reached so far and returns it,
 * labelled with that scale). Thread-safe; call from any thread.
 */
public final class GenerationControl {

    private final CancelToken cancel = new CancelToken();
    private volatile boolean stopRequested;

    /** Cancels: the engine throws EngineCancelledException within one step. */
    public void cancel() {
        cancel.cancel();
    }

    /** Asks for the coarse result reached so far; takes effect after the current scale. */
    public void stopHere() {
        stopRequested = true;
    }

    public boolean isCancelled() {
        return cancel.isCancelled();
    }

    public boolean isStopRequested() {
        return stopRequested;
    }

    /** The token the engine passes to ONNX Runtime runs. */
    public CancelToken token() {
        return cancel;
    }
}
