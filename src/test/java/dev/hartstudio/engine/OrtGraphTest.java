package dev.hartstudio.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.hartstudio.bundle.DType;
import dev.hartstudio.bundle.Dim;
import dev.hartstudio.bundle.GraphRole;
import dev.hartstudio.bundle.GraphSpec;
import dev.hartstudio.bundle.TensorSpec;
import dev.hartstudio.testing.TinyOnnx;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrtGraphTest {

    private static ProviderChoice cpu;

    @TempDir
    Path dir;

    @BeforeAll
    static void openCpu() throws EngineException {
        cpu = new ProviderResolver(() -> new DriverProbe.Status(false, "test")).resolve(ExecutionProvider.CPU);
    }

    @AfterAll
    static void closeCpu() {
        cpu.close();
    }

    /** A float32 tensor spec; dims are Integer sizes or String symbols. */
    static TensorSpec spec(String name, Object... dims) {
        return spec(name, DType.FLOAT32, dims);
    }

    static TensorSpec spec(String name, DType dtype, Object... dims) {
        List<Dim> shape = new ArrayList<>();
        for (Object d : dims) {
            shape.add(d instanceof Integer ? Dim.fixed((Integer) d) : Dim.symbol((String) d));
        }
        return new TensorSpec(name, dtype, shape);
    }

    private Path identityGraph() throws Exception {
        Path file = dir.resolve("embed.onnx");
        TinyOnnx.identity(file, TinyOnnx.value("x", TinyOnnx.FLOAT, "N", 3), TinyOnnx.value("y", TinyOnnx.FLOAT, "N", 3));
        return file;
    }

    private static GraphSpec declared(TensorSpec input, TensorSpec output) {
        return new GraphSpec("embed.onnx", List.of(input), List.of(output));
    }

    private String openFailure(Path file, GraphSpec spec) {
        return assertThrows(EngineException.class, () -> OrtGraph.open(cpu, GraphRole.EMBED, file, spec)).getMessage();
    }

    @Test
    void graphWithExternalDataLoadsItsWeightsFromTheFileBesideIt() throws Exception {
        Path file = dir.resolve("embed.onnx");
        TinyOnnx.addExternalWeight(file, "embed.onnx.data", 4096, new float[] {10, 20, 30});
        try (OrtGraph graph = OrtGraph.open(cpu, GraphRole.EMBED, file, declared(spec("x", 3), spec("y", 3)));
                OnnxTensor x = OnnxTensor.createTensor(Ort.environment(), new float[] {1, 2, 3});
                OrtSession.Result result = graph.run(Map.of("x", x), new CancelToken())) {
            assertArrayEquals(new float[] {11, 22, 33}, (float[]) result.get("y").orElseThrow().getValue());
        }
    }

    @Test
    void matchingGraphOpensAndRuns() throws Exception {
        try (OrtGraph graph = OrtGraph.open(cpu, GraphRole.EMBED, identityGraph(), declared(spec("x", "N", 3), spec("y", "N", 3)));
                OnnxTensor x = OnnxTensor.createTensor(Ort.environment(), new float[][] {{1, 2, 3}, {4, 5, 6}});
                OrtSession.Result result = graph.run(Map.of("x", x), new CancelToken())) {
            assertArrayEquals(new float[] {4, 5, 6}, ((float[][]) result.get("y").orElseThrow().getValue())[1]);
        }
    }

    @Test
    void wrongInputNameIsReported() throws Exception {
        assertEquals("embed.onnx: the graph's inputs are [x], but manifest.json graphs.embed.inputs declares [latent].",
                openFailure(identityGraph(), declared(spec("latent", "N", 3), spec("y", "N", 3))));
    }

    @Test
    void wrongElementTypeIsReported() throws Exception {
        assertEquals("embed.onnx: input \"x\" is float32 in the graph, but manifest.json declares int64.",
                openFailure(identityGraph(), declared(spec("x", DType.INT64, "N", 3), spec("y", "N", 3))));
    }

    @Test
    void wrongRankIsReported() throws Exception {
        assertEquals("embed.onnx: output \"y\" has rank 2 [-1, 3] in the graph, but manifest.json declares rank 3 [N, l, 3].",
                openFailure(identityGraph(), declared(spec("x", "N", 3), spec("y", "N", "l", 3))));
    }

    @Test
    void wrongFixedSizeIsReported() throws Exception {
        assertEquals("embed.onnx: input \"x\" has size 3 on axis 1 in the graph, but manifest.json declares 4.",
                openFailure(identityGraph(), declared(spec("x", "N", 4), spec("y", "N", 3))));
    }

    @Test
    void fixedAxisDeclaredDynamicIsReported() throws Exception {
        assertEquals("embed.onnx: input \"x\" has a fixed size 3 on axis 1 in the graph, but manifest.json declares "
                + "it dynamic (\"Cv\").", openFailure(identityGraph(), declared(spec("x", "N", "Cv"), spec("y", "N", 3))));
    }

    @Test
    void fileThatIsNotOnnxIsReported() throws Exception {
        Path file = dir.resolve("embed.onnx");
        Files.writeString(file, "placeholder");
        assertTrue(openFailure(file, declared(spec("x", "N", 3), spec("y", "N", 3)))
                .startsWith("embed.onnx (embed graph) could not be loaded by ONNX Runtime: "));
    }

    @Test
    void closeIsIdempotentAndLaterRunsFail() throws Exception {
        OrtGraph graph = OrtGraph.open(cpu, GraphRole.EMBED, identityGraph(), declared(spec("x", "N", 3), spec("y", "N", 3)));
        graph.close();
        graph.close();
        try (OnnxTensor x = OnnxTensor.createTensor(Ort.environment(), new float[][] {{1, 2, 3}})) {
            EngineException e = assertThrows(EngineException.class, () -> graph.run(Map.of("x", x), new CancelToken()));
            assertEquals("The embed graph is already closed.", e.getMessage());
        }
    }

    @Test
    void cancelledTokenStopsBeforeRunning() throws Exception {
        CancelToken cancel = new CancelToken();
        cancel.cancel();
        try (OrtGraph graph = OrtGraph.open(cpu, GraphRole.EMBED, identityGraph(), declared(spec("x", "N", 3), spec("y", "N", 3)));
                OnnxTensor x = OnnxTensor.createTensor(Ort.environment(), new float[][] {{1, 2, 3}})) {
            assertThrows(EngineCancelledException.class, () -> graph.run(Map.of("x", x), cancel));
        }
    }

    @Test
    void cancelStopsARunInFlightAndCloseWaitsForIt() throws Exception {
        Path file = dir.resolve("step.onnx");
        TinyOnnx.matMulChain(file, 200);
        GraphSpec spec = new GraphSpec("step.onnx", List.of(spec("x", "n", "n")), List.of(spec("y", "n", "n")));
        int n = 1024;
        OrtGraph graph = OrtGraph.open(cpu, GraphRole.STEP, file, spec);
        CancelToken cancel = new CancelToken();
        try (OnnxTensor x = OnnxTensor.createTensor(Ort.environment(), FloatBuffer.allocate(n * n), new long[] {n, n})) {
            CompletableFuture<Void> run = CompletableFuture.runAsync(() -> {
                try {
                    graph.run(Map.of("x", x), cancel).close();
                    throw new AssertionError("the run was expected to be cancelled");
                } catch (EngineException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            Thread.sleep(300);
            long start = System.nanoTime();
            cancel.cancel();
            graph.close();
            long millis = (System.nanoTime() - start) / 1_000_000;
            ExecutionException e = assertThrows(ExecutionException.class, () -> run.get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof EngineCancelledException, String.valueOf(e.getCause()));
            // Stopped by ONNX Runtime's terminate flag inside the run, not by the check before it.
            assertEquals("Cancelled during the step graph.", e.getCause().getMessage());
            assertTrue(millis < 10_000, "cancel and close took " + millis + " ms");
        }
    }
}
