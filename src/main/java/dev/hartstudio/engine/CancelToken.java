package dev.hartstudio.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Cooperative cancellation shared between the caller (UI, CLI) and the engine. {@link #cancel()}
 * may be called from any thread; a graph run in flight is asked to stop at once (ONNX Runtime's
 * terminate flag) and the engine checks the token between runs.
 */
public final class CancelToken {

    private final List<Runnable> onCancel = new ArrayList<>();
    private boolean cancelled;

    /** Cancels; idempotent. Runs in flight stop with {@link EngineCancelledException}. */
    public void cancel() {
        synchronized (onCancel) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            onCancel.forEach(Runnable::run);
        }
    }

    public boolean isCancelled() {
        synchronized (onCancel) {
            return cancelled;
        }
    }

    /** Throws if cancelled; the engine calls this between steps. */
    public void throwIfCancelled() throws EngineCancelledException {
        if (isCancelled()) {
            throw new EngineCancelledException("Cancelled.");
        }
    }

    /**
     * Runs {@code action} on cancel while registered (at once if already cancelled). Unregistering
     * waits for a cancel that is running it, so the resource it touches may be freed afterwards.
     */
    void register(Runnable action) {
        synchronized (onCancel) {
            if (cancelled) {
                action.run();
            }
            onCancel.add(action);
        }
    }

    void unregister(Runnable action) {
        synchronized (onCancel) {
            onCancel.remove(action);
        }
    }
}
