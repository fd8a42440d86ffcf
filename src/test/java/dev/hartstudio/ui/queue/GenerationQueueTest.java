package dev.hartstudio.ui.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.ui.common.TaskRunner;
import dev.hartstudio.ui.testing.FakeEngine;
import dev.hartstudio.ui.testing.SyncTaskRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class GenerationQueueTest {

    private final FakeEngine engine = new FakeEngine();

    /** Holds submitted work until {@link #runNext()}: jobs stay waiting or running as a test needs. */
    static final class ManualRunner implements TaskRunner {
        final List<Runnable> pending = new ArrayList<>();

        @Override
        public <T> void submit(Callable<T> work, Consumer<? super T> onSuccess, Consumer<Throwable> onFailure) {
            pending.add(() -> new SyncTaskRunner().submit(work, onSuccess, onFailure));
        }

        @Override
        public void onUi(Runnable action) {
            action.run();
        }

        void runNext() {
            pending.remove(0).run();
        }
    }

    private static List<GenerationRequest> requests(long... seeds) {
        List<GenerationRequest> out = new ArrayList<>();
        for (long s : seeds) {
            out.add(GenerationRequest.simple("p" + s, s));
        }
        return out;
    }

    @Test
    void jobsRunInOrderAndEndDone() {
        GenerationQueue q = new GenerationQueue(new SyncTaskRunner(), () -> Optional.of(engine));
        List<Long> finished = new ArrayList<>();
        q.onFinished(j -> finished.add(j.seed()));
        q.enqueue(requests(1, 2, 3), 0);
        assertEquals(List.of(1L, 2L, 3L), engine.seeds());
        assertEquals(List.of(1L, 2L, 3L), finished);
        assertTrue(q.jobs().stream().allMatch(j -> j.getState() == GenerationJob.State.DONE));
        assertNull(q.getRunning());
        assertEquals(0, q.secondsLeftBinding().get());
    }

    @Test
    void runningJobStreamsEveryStage() {
        GenerationQueue q = new GenerationQueue(new SyncTaskRunner(), () -> Optional.of(engine));
        GenerationJob job = q.enqueue(requests(5), 0).get(0);
        assertEquals(FakeEngine.PATCHES.size() + FakeEngine.STEPS, job.stages().size());
        assertEquals(List.of("s1", "s2", "s3", "s4", "d1", "d2"),
                job.stages().stream().map(Stage::shortLabel).toList());
        assertEquals(1.0, job.progressProperty().get());
        assertTrue(job.statusTextProperty().get().startsWith("Done"));
    }

    @Test
    void waitingJobsCanBeReorderedAndShowTheirPosition() {
        ManualRunner runner = new ManualRunner();
        GenerationQueue q = new GenerationQueue(runner, () -> Optional.of(engine));
        List<GenerationJob> jobs = q.enqueue(requests(1, 2, 3), 0);
        assertEquals(GenerationJob.State.RUNNING, jobs.get(0).getState());
        assertEquals(1, jobs.get(1).positionProperty().get());
        q.moveUp(jobs.get(2));
        assertEquals(1, jobs.get(2).positionProperty().get());
        assertEquals(2, jobs.get(1).positionProperty().get());
        q.moveUp(jobs.get(2));
        assertEquals(1, jobs.get(2).positionProperty().get(), "cannot pass the running job");
        runner.runNext();
        runner.runNext();
        runner.runNext();
        assertEquals(List.of(1L, 3L, 2L), engine.seeds());
    }

    @Test
    void cancellingAWaitingJobSkipsIt() {
        ManualRunner runner = new ManualRunner();
        GenerationQueue q = new GenerationQueue(runner, () -> Optional.of(engine));
        List<GenerationJob> jobs = q.enqueue(requests(1, 2, 3), 0);
        q.cancel(jobs.get(1));
        assertEquals(GenerationJob.State.CANCELLED, jobs.get(1).getState());
        assertEquals(1, jobs.get(2).positionProperty().get());
        runner.runNext();
        runner.runNext();
        assertTrue(runner.pending.isEmpty());
        assertEquals(List.of(1L, 3L), engine.seeds());
    }

    @Test
    void cancellingTheRunningJobEndsItCancelledAndStartsTheNext() {
        GenerationQueue q = new GenerationQueue(new SyncTaskRunner(), () -> Optional.of(engine));
        engine.beforeScale = s -> {
            if (s == 2 && q.getRunning().seed() == 1) {
                q.cancel(q.getRunning());
            }
        };
        List<GenerationJob> jobs = q.enqueue(requests(1, 2), 0);
        assertEquals(GenerationJob.State.CANCELLED, jobs.get(0).getState());
        assertEquals(2, jobs.get(0).stages().size());
        assertEquals(GenerationJob.State.DONE, jobs.get(1).getState());
    }

    @Test
    void cancelAllEndsEveryJob() {
        ManualRunner runner = new ManualRunner();
        GenerationQueue q = new GenerationQueue(runner, () -> Optional.of(engine));
        List<GenerationJob> jobs = q.enqueue(requests(1, 2, 3), 0);
        q.cancelAll();
        runner.runNext();
        assertTrue(jobs.stream().allMatch(j -> j.getState() == GenerationJob.State.CANCELLED));
        assertEquals(0, q.waitingProperty().get());
        assertTrue(runner.pending.isEmpty());
    }

    @Test
    void stopHereKeepsTheCoarseResult() {
        GenerationQueue q = new GenerationQueue(new SyncTaskRunner(), () -> Optional.of(engine));
        engine.beforeScale = s -> {
            if (s == 1) {
                q.stopHere();
            }
        };
        GenerationJob job = q.enqueue(requests(1), 0).get(0);
        assertEquals(GenerationJob.State.STOPPED, job.getState());
        assertEquals(1, job.getResult().stoppedAtScale());
        assertEquals("Stopped at scale 2/4", job.statusTextProperty().get());
    }

    @Test
    void failureIsReportedAndTheQueueMovesOn() {
        GenerationQueue q = new GenerationQueue(new SyncTaskRunner(), () -> Optional.of(engine));
        List<Throwable> reported = new ArrayList<>();
        q.onFailure((j, e) -> reported.add(e));
        engine.failWith = new EngineException("The step graph failed.");
        List<GenerationJob> jobs = q.enqueue(requests(1), 0);
        engine.failWith = null;
        jobs = new ArrayList<>(jobs);
        jobs.addAll(q.enqueue(requests(2), 0));
        assertEquals(GenerationJob.State.FAILED, jobs.get(0).getState());
        assertEquals("Failed: The step graph failed.", jobs.get(0).statusTextProperty().get());
        assertEquals(1, reported.size());
        assertEquals(GenerationJob.State.DONE, jobs.get(1).getState());
    }

    @Test
    void withoutAModelJobsFailWithAClearMessage() {
        GenerationQueue q = new GenerationQueue(new SyncTaskRunner(), Optional::empty);
        GenerationJob job = q.enqueue(requests(1), 0).get(0);
        assertEquals(GenerationJob.State.FAILED, job.getState());
        assertEquals("no model is loaded", job.error());
    }

    @Test
    void etaIsUnknownBeforeAnyRun() {
        ManualRunner runner = new ManualRunner();
        GenerationQueue q = new GenerationQueue(runner, () -> Optional.of(engine));
        q.enqueue(requests(1, 2), 0);
        assertEquals(-1, q.secondsLeftBinding().get());
    }

    @Test
    void etaUsesThePreviousRunOnceThereIsOne() {
        ManualRunner runner = new ManualRunner();
        GenerationQueue q = new GenerationQueue(runner, () -> Optional.of(engine));
        q.enqueue(requests(1), 0);
        runner.runNext();
        q.enqueue(requests(2, 3), 0);
        // Job 2 is running but has no stage yet, job 3 waits: both estimated at the previous 20 ms.
        assertEquals(0.04, q.secondsLeftBinding().get(), 1e-9);
        runner.runNext();
        assertEquals(0.02, q.secondsLeftBinding().get(), 1e-9);
    }

    @Test
    void etaEstimatorWeighsScalesByTokens() {
        EtaEstimator eta = EtaEstimator.of(List.of(1, 2, 3), 0, null);
        assertEquals(1.0 / 14, eta.progress(1), 1e-12);
        assertEquals(-1, eta.secondsLeft(0, 0));
        // 1 unit took 1 s, 13 units are left.
        assertEquals(13.0, eta.secondsLeft(1, 1_000_000_000L), 1e-9);
    }

    @Test
    void oldFinishedJobsFreeTheirImages() {
        GenerationQueue q = new GenerationQueue(new SyncTaskRunner(), () -> Optional.of(engine));
        long[] seeds = new long[GenerationQueue.KEEP_IMAGES + 3];
        for (int i = 0; i < seeds.length; i++) {
            seeds[i] = i;
        }
        List<GenerationJob> jobs = q.enqueue(requests(seeds), 0);
        assertTrue(jobs.get(0).compacted());
        assertTrue(jobs.get(1).compacted());
        assertEquals(6, jobs.get(0).stages().size(), "the stage times stay");
        GenerationJob recent = jobs.get(jobs.size() - 2);
        assertTrue(!recent.compacted() && recent.getResult() != null);
        assertTrue(jobs.get(jobs.size() - 1).getResult() != null, "the newest job keeps its images");
    }
}
