package dev.hartstudio.ui.testing;

import dev.hartstudio.ui.common.TaskRunner;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** Runs everything inline on the calling thread: view-model tests need no FX thread. */
public final class SyncTaskRunner implements TaskRunner {

    @Override
    public <T> void submit(Callable<T> work, Consumer<? super T> onSuccess, Consumer<Throwable> onFailure) {
        T value;
        try {
            value = work.call();
        } catch (Exception e) {
            onFailure.accept(e);
            return;
        }
        onSuccess.accept(value);
    }

    @Override
    public void onUi(Runnable action) {
        action.run();
    }
}
