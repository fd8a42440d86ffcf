package dev.hartstudio.ui.queue;

import dev.hartstudio.engine.EngineCancelledException;
import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.engine.generate.GenerationResult;
import dev.hartstudio.ui.common.TaskRunner;
import dev.hartstudio.ui.engine.ModelInfo;
import dev.hartstudio.ui.engine.StudioEngine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.DoubleBinding;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * Runs generations one at a time, in list order. Jobs wait, run, and end done, stopped, cancelled
 * or failed; waiting jobs can be reordered and cancelled. Ended jobs stay listed until cleared.
 * UI thread only; the engine runs on the task runner.
 */
public final class GenerationQueue {

    private final TaskRunner runner;
    private final Supplier<Optional<StudioEngine>> engine;
    private final ObservableList<GenerationJob> jobs = FXCollections.observableArrayList();
    private final ObservableList<GenerationJob> jobsView = FXCollections.unmodifiableObservableList(jobs);
    /** Finished jobs that keep their images in memory; older ones are compacted. */
    static final int KEEP_IMAGES = 8;

    private final ReadOnlyObjectWrapper<GenerationJob> running = new ReadOnlyObjectWrapper<>(this, "running");
    private final ReadOnlyObjectWrapper<GenerationJob> latest = new ReadOnlyObjectWrapper<>(this, "latest");
    private final ReadOnlyIntegerWrapper waiting = new ReadOnlyIntegerWrapper(this, "waiting");
    private final ReadOnlyIntegerWrapper tick = new ReadOnlyIntegerWrapper(this, "tick");
    private final DoubleBinding secondsLeft;
    private final Map<String, double[]> lastStageNanos = new HashMap<>();
    private final Map<String, Double> lastTotalSeconds = new HashMap<>();
    private final List<Consumer<GenerationJob>> finishedListeners = new ArrayList<>();
    private BiConsumer<GenerationJob, Throwable> failureHandler = (job, e) -> { };
    private long nextId = 1;

    public GenerationQueue(TaskRunner runner, Supplier<Optional<StudioEngine>> engine) {
        this.runner = runner;
        this.engine = engine;
        secondsLeft = Bindings.createDoubleBinding(this::computeSecondsLeft, jobs, tick);
    }

    // Properties

    /** Every job of this session in run order (ended ones first, as they ran, until cleared). */
    public ObservableList<GenerationJob> jobs() {
        return jobsView;
    }

    /** The job the engine is running, or null. */
    public ReadOnlyObjectProperty<GenerationJob> runningProperty() {
        return running.getReadOnlyProperty();
    }

    public GenerationJob getRunning() {
        return running.get();
    }

    /** The job that started most recently (running or ended), or null; the create view follows it. */
    public ReadOnlyObjectProperty<GenerationJob> latestProperty() {
        return latest.getReadOnlyProperty();
    }

    /** How many jobs wait. */
    public ReadOnlyIntegerProperty waitingProperty() {
        return waiting.getReadOnlyProperty();
    }

    /** Estimated seconds until every waiting job is done; -1 when unknown, 0 when idle. */
    public DoubleBinding secondsLeftBinding() {
        return secondsLeft;
    }

    // Commands

    /** Called on the UI thread after each job ends DONE or STOPPED. */
    public void onFinished(Consumer<GenerationJob> listener) {
        finishedListeners.add(listener);
    }

    /** Called on the UI thread when a job fails (not when cancelled). */
    public void onFailure(BiConsumer<GenerationJob, Throwable> handler) {
        failureHandler = handler;
    }

    /** Adds {@code requests} at the end, in order, and starts the first if idle. */
    public List<GenerationJob> enqueue(List<GenerationRequest> requests, int branchFromScale) {
        List<GenerationJob> added = new ArrayList<>();
        for (GenerationRequest r : requests) {
            added.add(new GenerationJob(nextId++, r, branchFromScale));
        }
        jobs.addAll(added);
        renumber();
        startNext();
        return added;
    }

    /** Cancels a waiting job at once, or asks the running one to stop (it ends CANCELLED). */
    public void cancel(GenerationJob job) {
        if (job.getState() == GenerationJob.State.WAITING) {
            job.markCancelled();
            renumber();
        } else if (job.getState() == GenerationJob.State.RUNNING) {
            job.control().cancel();
        }
    }

    /** Cancels every waiting job and the running one. */
    public void cancelAll() {
        for (GenerationJob j : List.copyOf(jobs)) {
            if (j.getState() == GenerationJob.State.WAITING) {
                j.markCancelled();
            }
        }
        GenerationJob r = running.get();
        if (r != null) {
            r.control().cancel();
        }
        renumber();
    }

    /** Asks the running job to keep the coarse result it has reached. */
    public void stopHere() {
        GenerationJob r = running.get();
        if (r != null) {
            r.control().stopHere();
        }
    }

    /** Moves a waiting job one place earlier among the waiting jobs. */
    public void moveUp(GenerationJob job) {
        move(job, -1);
    }

    /** Moves a waiting job one place later among the waiting jobs. */
    public void moveDown(GenerationJob job) {
        move(job, +1);
    }

    /** Removes ended jobs from the list. */
    public void clearFinished() {
        jobs.removeIf(j -> j.getState().finished() && j != latest.get());
        renumber();
    }

    // Internals

    private void move(GenerationJob job, int direction) {
        if (job.getState() != GenerationJob.State.WAITING) {
            return;
        }
        int i = jobs.indexOf(job);
        int j = i + direction;
        while (j >= 0 && j < jobs.size() && jobs.get(j).getState() != GenerationJob.State.WAITING) {
            j += direction;
        }
        if (i < 0 || j < 0 || j >= jobs.size()) {
            return;
        }
        GenerationJob other = jobs.get(j);
        jobs.set(j, job);
        jobs.set(i, other);
        renumber();
    }

    private void renumber() {
        int p = 0;
        for (GenerationJob j : jobs) {
            j.setPosition(j.getState() == GenerationJob.State.WAITING ? ++p : 0);
        }
        waiting.set(p);
        tick.set(tick.get() + 1);
    }

    private void startNext() {
        if (running.get() != null) {
            return;
        }
        GenerationJob next = jobs.stream().filter(j -> j.getState() == GenerationJob.State.WAITING).findFirst()
                .orElse(null);
        if (next == null) {
            return;
        }
        Optional<StudioEngine> e = engine.get();
        if (e.isEmpty()) {
            next.fail("no model is loaded");
            renumber();
            failureHandler.accept(next, new IllegalStateException("No model is loaded."));
            startNext();
            return;
        }
        StudioEngine eng = e.get();
        ModelInfo model = eng.model();
        String key = key(model, next.request());
        running.set(next);
        latest.set(next);
        next.start(model, lastStageNanos.get(key));
        renumber();
        runner.submit(() -> {
            GenerationResult r = eng.generate(next.request(), event -> runner.onUi(() -> {
                next.apply(event);
                tick.set(tick.get() + 1);
            }), next.control());
            try {
                r.discreteImages();      // the discrete/hybrid toggle shows it at once: decoded here, off the UI thread
            } catch (EngineException discreteLost) {
                // only the extra view is lost; the finished image stays (the toggle says it is missing)
            }
            return r;
        }, result -> {
            next.finish(result);
            if (result.complete()) {
                lastStageNanos.put(key, next.stageNanosArray());
                lastTotalSeconds.put(key, result.timings().totalNanos() / 1e9);
            }
            ended();
            finishedListeners.forEach(l -> l.accept(next));
            startNext();
        }, failure -> {
            if (failure instanceof EngineCancelledException || next.control().isCancelled()) {
                next.markCancelled();
            } else {
                next.fail(failure.getMessage() == null ? failure.toString() : failure.getMessage());
                failureHandler.accept(next, failure);
            }
            ended();
            startNext();
        });
    }

    private void ended() {
        running.set(null);
        renumber();
        int kept = 0;
        for (int i = jobs.size() - 1; i >= 0; i--) {
            GenerationJob j = jobs.get(i);
            if (j.getState().finished() && j != latest.get() && ++kept > KEEP_IMAGES) {
                j.compact();
            }
        }
    }

    private double computeSecondsLeft() {
        GenerationJob r = running.get();
        double total = 0;
        double perJob = -1;
        if (r != null) {
            perJob = lastTotalSeconds.getOrDefault(key(r.model(), r.request()), -1.0);
            double left = r.secondsLeftProperty().get();
            if (left < 0) {
                left = perJob;
            }
            if (left < 0) {
                return -1;
            }
            total += left;
        }
        for (GenerationJob j : jobs) {
            if (j.getState() == GenerationJob.State.WAITING) {
                double estimate = perJob;
                if (estimate < 0) {
                    estimate = lastTotalSeconds.values().stream().mapToDouble(Double::doubleValue).max().orElse(-1);
                }
                if (estimate < 0) {
                    return -1;
                }
                total += estimate;
            }
        }
        return total;
    }

    private static String key(ModelInfo m, GenerationRequest r) {
        return m.folder() + "|" + r.preview() + "|" + r.discreteOnly() + "|" + r.batch();
    }
}
