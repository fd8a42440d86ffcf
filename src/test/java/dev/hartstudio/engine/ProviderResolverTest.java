package dev.hartstudio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.hartstudio.bundle.GraphRole;
import dev.hartstudio.bundle.GraphSpec;
import dev.hartstudio.testing.TinyOnnx;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderResolverTest {

    private static final DriverProbe NO_DRIVER = () -> new DriverProbe.Status(false, "test: none");
    private static final DriverProbe FAKE_DRIVER = () -> new DriverProbe.Status(true, "test: pretend");

    @TempDir
    Path dir;

    @Test
    void cpuRequestGivesCpu() throws Exception {
        try (ProviderChoice choice = new ProviderResolver(NO_DRIVER).resolve(ExecutionProvider.CPU)) {
            assertEquals(ExecutionProvider.CPU, choice.actual());
            assertEquals("CPU requested", choice.reason());
            assertFalse(choice.usesCuda());
        }
    }

    @Test
    void autoWithoutDriverPicksCpuAtOnce() throws Exception {
        long start = System.nanoTime();
        try (ProviderChoice choice = new ProviderResolver(NO_DRIVER).resolve(ExecutionProvider.AUTO)) {
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(ExecutionProvider.CPU, choice.actual());
            assertEquals("no NVIDIA driver found", choice.reason());
            assertEquals(ExecutionProvider.AUTO, choice.requested());
            // Well under the ~4 s a CUDA attempt costs with the GPU build.
            assertTrue(millis < 2000, "took " + millis + " ms");
        }
    }

    /** Takes about 4 s without a GPU: ONNX Runtime unpacks its CUDA provider before failing. */
    @Test
    void failedCudaFallsBackToCpuWithOrtReason() throws Exception {
        try (ProviderChoice choice = new ProviderResolver(FAKE_DRIVER, Flavour.GPU).resolve(ExecutionProvider.AUTO)) {
            if (choice.usesCuda()) {
                assertEquals("CUDA device 0", choice.reason());
            } else {
                assertEquals(ExecutionProvider.CPU, choice.actual());
                assertFalse(choice.reason().isBlank());
                assertNotEquals(ProviderResolver.NO_DRIVER, choice.reason());
            }
            // The fallback options must still load and run a graph.
            Path file = dir.resolve("id.onnx");
            TinyOnnx.identity(file, TinyOnnx.value("x", TinyOnnx.FLOAT, "N", 3), TinyOnnx.value("y", TinyOnnx.FLOAT, "N", 3));
            GraphSpec spec = new GraphSpec("id.onnx", List.of(OrtGraphTest.spec("x", "N", 3)), List.of(OrtGraphTest.spec("y", "N", 3)));
            try (OrtGraph graph = OrtGraph.open(choice, GraphRole.EMBED, file, spec);
                    OnnxTensor x = OnnxTensor.createTensor(Ort.environment(), new float[][] {{1, 2, 3}});
                    OrtSession.Result result = graph.run(Map.of("x", x), new CancelToken())) {
                assertEquals(2f, ((float[][]) result.get(0).getValue())[0][1]);
            }
        }
    }

    @Test
    void cpuBuildWithADriverRunsOnCpuAndSaysItIsTheCpuBuild() throws Exception {
        try (ProviderChoice choice = new ProviderResolver(FAKE_DRIVER, Flavour.CPU).resolve(ExecutionProvider.AUTO)) {
            assertEquals(ExecutionProvider.CPU, choice.actual());
            assertEquals("CPU build", choice.reason());
        }
    }

    @Test
    void cpuBuildAskedForCudaSaysCudaNeedsTheGpuBuild() throws Exception {
        try (ProviderChoice choice = new ProviderResolver(FAKE_DRIVER, Flavour.CPU).resolve(ExecutionProvider.cuda(0))) {
            assertEquals(ExecutionProvider.CPU, choice.actual());
            assertEquals(ProviderResolver.CPU_BUILD, choice.reason());
        }
    }

    @Test
    void closeIsIdempotent() throws Exception {
        ProviderChoice choice = new ProviderResolver(NO_DRIVER).resolve(ExecutionProvider.CPU);
        choice.close();
        choice.close();
    }
}
