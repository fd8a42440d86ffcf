package dev.hartstudio.ui.common;

import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * How view models run work off the UI thread. Production: {@link FxTaskRunner} (one app-owned
 * executor; results and progress delivered on the FX thread, in order, once per frame). Tests: a
 * synchronous runner that does everything inline.
 */
public interface TaskRunner {

    /**
     * Runs {@code work} in the background, then exactly one of {@code onSuccess} or {@code onFailure}
     * on the UI thread, after every {@link #onUi} posted by the work itself.
     */
    <T> void submit(Callable<T> work, Consumer<? super T> onSuccess, Consumer<Throwable> onFailure);

    /** Runs {@code action} on the UI thread, in posting order; from the UI thread itself, later. */
    void onUi(Runnable action);
}
