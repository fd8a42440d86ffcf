package dev.hartstudio.engine.sample;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the rows of one scale's sampling on the calling thread and {@code threads − 1} helper
 * threads, in small chunks taken from a shared counter, so a helper that wakes late takes fewer
 * rows instead of holding the scale up. Helpers park as soon as a job is done: between two scales
 * ONNX Runtime has the cores. {@link #wake()} lets them spin, for at most a few tens of
 * microseconds, while the caller prepares the next job.
 * (ForkJoin's common pool split a scale in halves up front; its late wake-ups cost the HART-tiny
 * sampler about as much as the second core gave.)
 *
 * <p>Each row's arithmetic is the same on any thread, so results do not depend on the split.
 */
final class RowWorkers {

    /** A range of rows {@code [from, to)}; {@code worker} is 0 for the calling thread. */
    @FunctionalInterface
    interface Rows {
        void run(int worker, int from, int to);
    }

    private static final long SPIN_NANOS = 50_000;

    private final Thread[] helpers;
    private final AtomicReference<Job> current = new AtomicReference<>();

    RowWorkers(int threads) {
        helpers = new Thread[Math.max(0, threads - 1)];
        for (int i = 0; i < helpers.length; i++) {
            int worker = i + 1;
            helpers[i] = new Thread(() -> loop(worker), "hart-sampler-" + worker);
            helpers[i].setDaemon(true);
            helpers[i].start();
        }
    }

    /** Threads that take part in a job, the caller included. */
    int threads() {
        return helpers.length + 1;
    }

    /**
     * Wakes the helpers ahead of a job (they spin for a while, then park again), so that their
     * wake-up overlaps the caller's work before {@link #run}.
     */
    void wake() {
        for (Thread t : helpers) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Runs {@code rows} rows in chunks of {@code chunk} on all threads and returns when every row
     * is done; rethrows the first failure of any row.
     */
    synchronized void run(int rows, int chunk, Rows task) {
        Job job = new Job(task, rows, Math.max(1, chunk));
        if (helpers.length > 0) {
            current.set(job);
            for (Thread t : helpers) {
                LockSupport.unpark(t);
            }
        }
        job.drain(0);
        while (job.inFlight.get() > 0) {
            Thread.onSpinWait();
        }
        Throwable failure = job.failure.get();
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }

    private void loop(int worker) {
        Job seen = null;
        long spinUntil = 0;
        while (true) {
            Job job = current.get();
            if (job != seen) {
                seen = job;
                job.drain(worker);
                spinUntil = 0;                              // done: park until the next wake-up
            } else if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
                spinUntil = System.nanoTime() + SPIN_NANOS;  // woken: a job is on its way
            }
        }
    }

    private static final class Job {
        final Rows task;
        final int rows;
        final int chunk;
        final AtomicInteger next = new AtomicInteger();
        /** Threads between announcing themselves and finishing their chunk (or finding none). */
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(Rows task, int rows, int chunk) {
            this.task = task;
            this.rows = rows;
            this.chunk = chunk;
        }

        void drain(int worker) {
            while (true) {
                inFlight.incrementAndGet();                 // before claiming: the caller waits for it
                try {
                    int from = next.getAndAdd(chunk);
                    if (from >= rows || failure.get() != null) {
                        return;
                    }
                    task.run(worker, from, Math.min(rows, from + chunk));
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    inFlight.decrementAndGet();
                }
            }
        }
    }
}
