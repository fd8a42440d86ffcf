package dev.hartstudio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime 1.29 overflows a 1 MB thread stack while its native library loads, which kills the
 * JVM silently. A fresh JVM (the test JVM has loaded ORT already) starts the engine from a thread
 * with a small stack and must survive.
 */
class OrtStartupTest {

    /** Runs in the child JVM. */
    public static void main(String[] args) throws Exception {
        Throwable[] failure = new Throwable[1];
        Thread small = new Thread(null, () -> {
            try {
                new ProviderResolver(() -> new DriverProbe.Status(false, "test")).resolve(ExecutionProvider.AUTO).close();
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "small-stack", 256 << 10);
        small.start();
        small.join();
        System.out.print(failure[0] == null ? "started" : "failed: " + failure[0]);
    }

    @Test
    void engineStartsFromAThreadWithASmallStack() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xss512k", "-cp", System.getProperty("java.class.path"),
                OrtStartupTest.class.getName()).redirectErrorStream(true).start();
        child.getOutputStream().close();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        child.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, child.exitValue(), "child JVM died: " + output);
        assertEquals("started", output.strip().lines().reduce((a, b) -> b).orElse(""), output);
    }
}
