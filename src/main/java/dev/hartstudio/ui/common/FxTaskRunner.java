package dev.hartstudio.ui.common;

import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;

/**
 * The production {@link TaskRunner}: background work on one app-owned executor, UI work drained
 * once per frame by an {@link AnimationTimer} that runs only while there is work. Draining per frame coalesces engine events to the
 * display rate (a burst of preview events costs one redraw) and keeps results after their
 * progress events, because both travel through the same queue. Shut it down in
 * {@code Application.stop()}.
 */
public final class FxTaskRunner implements TaskRunner, AutoCloseable {

    private static final int THREADS = 3;

    private final ExecutorService executor;
    private final ConcurrentLinkedQueue<Runnable> uiQueue = new ConcurrentLinkedQueue<>();
    private final AnimationTimer drain;
    // True while the timer runs; it stops itself when the queue is empty, so an idle window does not pulse.
    private final java.util.concurrent.atomic.AtomicBoolean active = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean shutDown;

    /** Needs a running JavaFX toolkit (its timer is started on the FX thread when work arrives). */
    public FxTaskRunner() {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "hart-worker-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        executor = Executors.newFixedThreadPool(THREADS, factory);
        drain = new AnimationTimer() {
            @Override
            public void handle(long now) {
                if (shutDown) {         // a start posted just before shutdown: the window is gone
                    stop();
                    return;
                }
                drainNow();
                if (uiQueue.isEmpty()) {
                    stop();
                    active.set(false);
                    if (!uiQueue.isEmpty()) {
                        wake();
                    }
                }
            }
        };
    }

    @Override
    public <T> void submit(Callable<T> work, Consumer<? super T> onSuccess, Consumer<Throwable> onFailure) {
        if (shutDown) {
            return;                     // the studio is closing: nothing new starts
        }
        try {
            executor.execute(() -> {
                try {
                    T value = work.call();
                    onUi(() -> onSuccess.accept(value));
                } catch (Throwable e) {
                    onUi(() -> onFailure.accept(e));
                }
            });
        } catch (RejectedExecutionException e) {
            if (!shutDown) {
                throw e;
            }
        }
    }

    @Override
    public void onUi(Runnable action) {
        uiQueue.add(action);
        wake();
    }

    private void wake() {
        if (!shutDown && active.compareAndSet(false, true)) {
            if (Platform.isFxApplicationThread()) {
                drain.start();
            } else {
                Platform.runLater(drain::start);
            }
        }
    }

    /** Runs everything queued so far (the timer calls this each frame). */
    void drainNow() {
        int n = uiQueue.size();
        for (int i = 0; i < n; i++) {
            Runnable r = uiQueue.poll();
            if (r == null) {
                return;
            }
            try {
                r.run();
            } catch (RuntimeException e) {
                Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, e);
            }
        }
    }

    /**
     * Stops accepting work and waits up to {@code waitMillis} for running work (which the caller has
     * cancelled) to finish.
     */
    public void shutdown(long waitMillis) {
        shutDown = true;
        drain.stop();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(waitMillis, TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }

    /** False once {@link #shutdown} has begun: new work is dropped. */
    public boolean isAcceptingWork() {
        return !shutDown;
    }

    /** True once {@link #shutdown} has run and every worker thread has finished. */
    public boolean isTerminated() {
        return executor.isTerminated();
    }

    @Override
    public void close() {
        shutdown(5000);
    }
}
