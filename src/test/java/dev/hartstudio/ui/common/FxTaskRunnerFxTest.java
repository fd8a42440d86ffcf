package dev.hartstudio.ui.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Progress posted by background work reaches the FX thread in order, before the result. */
@ExtendWith(ApplicationExtension.class)
class FxTaskRunnerFxTest {

    private FxTaskRunner runner;

    @Start
    void start(Stage stage) {
        runner = new FxTaskRunner();
        stage.show();
    }

    @Test
    void eventsAndResultArriveInOrderOnTheFxThread() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        List<Boolean> onFx = new CopyOnWriteArrayList<>();
        runner.submit(() -> {
            for (int i = 0; i < 200; i++) {
                int n = i;
                runner.onUi(() -> {
                    seen.add("e" + n);
                    onFx.add(Platform.isFxApplicationThread());
                });
            }
            return "done";
        }, r -> {
            seen.add(r);
            onFx.add(Platform.isFxApplicationThread());
        }, e -> seen.add("failed"));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> seen.contains("done"));
        assertEquals(201, seen.size());
        assertEquals("e0", seen.get(0));
        assertEquals("e199", seen.get(199));
        assertEquals("done", seen.get(200));
        assertTrue(onFx.stream().allMatch(b -> b));
        runner.shutdown(1000);
    }

    @Test
    void failureIsDeliveredOnTheFxThread() throws Exception {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        runner.submit(() -> {
            throw new IllegalStateException("boom");
        }, r -> { }, failures::add);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !failures.isEmpty());
        assertEquals("boom", failures.get(0).getMessage());
        runner.shutdown(1000);
    }

    @Test
    void workSubmittedWhileTheStudioClosesIsDroppedWithoutAnException() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        runner.submit(() -> {
            release.await();
            return "late";
        }, seen::add, e -> seen.add("failed"));
        Thread closer = new Thread(() -> runner.shutdown(5000));
        closer.start();
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> !runner.isAcceptingWork());
        runner.submit(() -> "after", seen::add, e -> seen.add("failed"));   // e.g. saving a job that just ended
        release.countDown();
        closer.join(10_000);
        WaitForAsyncUtils.sleep(300, TimeUnit.MILLISECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(runner.isTerminated());
        assertEquals(List.of(), seen, "nothing reaches a closed window");
    }
}
