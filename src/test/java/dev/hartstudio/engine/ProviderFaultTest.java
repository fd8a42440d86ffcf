package dev.hartstudio.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.hartstudio.bundle.DType;
import dev.hartstudio.bundle.GraphRole;
import dev.hartstudio.bundle.GraphSpec;
import dev.hartstudio.testing.TinyOnnx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Provider faults: CUDA that cannot start (wrong library majors, an old driver, no GPU, a bad index)
 * simulated with ONNX Runtime's own messages, each giving CPU with a reason that says what to do; and
 * a session that fails at run time for one input, which must be one EngineException naming the graph
 * and the inputs, after which the same session runs a good input.
 */
class ProviderFaultTest {

    private static final DriverProbe DRIVER = () -> new DriverProbe.Status(true, "test: /dev/nvidia0");
    private static final DriverProbe NO_DRIVER = () -> new DriverProbe.Status(false, "no /dev/nvidiactl, /dev/nvidia0 or /dev/dxg");

    @TempDir
    Path dir;

    /** Resolves {@code requested} on a GPU build whose CUDA provider fails with {@code ortMessage}. */
    private static ProviderChoice failingCuda(DriverProbe probe, ExecutionProvider requested, String ortMessage,
            List<String> installed) throws EngineException {
        ProviderResolver.CudaAttempt attempt = (options, device) -> {
            throw new OrtException(ortMessage);
        };
        return new ProviderResolver(probe, Flavour.GPU, attempt, () -> installed).resolve(requested);
    }

    private static String reason(String ortMessage, List<String> installed) throws Exception {
        try (ProviderChoice choice = failingCuda(DRIVER, ExecutionProvider.cuda(0), ortMessage, installed)) {
            assertEquals(ExecutionProvider.CPU, choice.actual());
            assertFalse(choice.usesCuda());
            runsAGraph(choice);
            return choice.reason();
        }
    }

    private static void runsAGraph(ProviderChoice choice) throws Exception {
        Path file = Files.createTempFile("fallback", ".onnx");
        try {
            TinyOnnx.identity(file, TinyOnnx.value("x", TinyOnnx.FLOAT, "N", 3), TinyOnnx.value("y", TinyOnnx.FLOAT, "N", 3));
            GraphSpec spec = new GraphSpec("id.onnx", List.of(OrtGraphTest.spec("x", "N", 3)),
                    List.of(OrtGraphTest.spec("y", "N", 3)));
            try (OrtGraph graph = OrtGraph.open(choice, GraphRole.EMBED, file, spec);
                    OnnxTensor x = OnnxTensor.createTensor(Ort.environment(), new float[][] {{1, 2, 3}});
                    OrtSession.Result result = graph.run(Map.of("x", x), new CancelToken())) {
                assertEquals(3f, ((float[][]) result.get(0).getValue())[0][2]);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void cudnnOfTheWrongMajorVersionNamesTheOneNeededAndTheOneFound() throws Exception {
        assertEquals("CUDA unavailable: libcudnn.so.9 (cuDNN 9) was not found, but cuDNN 8 (libcudnn.so.8) is "
                + "installed: this GPU build of ONNX Runtime needs cuDNN 9; install it (cuDNN 9 for CUDA 12) or add its "
                + "folder to LD_LIBRARY_PATH.",
                reason("Failed to load library libonnxruntime_providers_cuda.so with error: libcudnn.so.9: cannot open "
                        + "shared object file: No such file or directory", List.of("libcudnn.so.8", "libcuda.so.1")));
    }

    @Test
    void cudaLibrariesOfTheWrongMajorVersionNameCuda12() throws Exception {
        assertEquals("CUDA unavailable: libcublasLt.so.12 (CUDA 12) was not found, but CUDA 11 (libcublasLt.so.11) is "
                + "installed: this GPU build of ONNX Runtime needs CUDA 12; install it (the CUDA 12 runtime libraries: "
                + "cudart, cuBLAS, cuFFT, cuRAND) or add its folder to LD_LIBRARY_PATH.",
                reason("/onnxruntime_src/onnxruntime/core/session/provider_bridge_ort.cc:1539 onnxruntime::Provider& "
                        + "onnxruntime::ProviderLibrary::Get() [ONNXRuntimeError] : 1 : FAIL : Failed to load library "
                        + "libonnxruntime_providers_cuda.so with error: libcublasLt.so.12: cannot open shared object "
                        + "file: No such file or directory", List.of("libcublasLt.so.11", "libcublasLt.so.11.11.3.6")));
    }

    @Test
    void aMissingWindowsDllNamesPath() throws Exception {
        assertEquals("CUDA unavailable: cudnn64_9.dll (cuDNN 9) was not found: this GPU build of ONNX Runtime needs "
                + "cuDNN 9; install it (cuDNN 9 for CUDA 12) or add its folder to PATH.",
                reason("Error loading \"onnxruntime_providers_cuda.dll\" which depends on \"cudnn64_9.dll\" which is "
                        + "missing. (Error 126: \"The specified module could not be found.\")", List.of()));
    }

    @Test
    void aDriverTooOldForCuda12SaysWhichToInstall() throws Exception {
        assertEquals("CUDA unavailable: the NVIDIA driver is too old for CUDA 12: update it to version 525 or newer "
                + "(nvidia-smi shows the version).",
                reason("CUDA failure 35: CUDA driver version is insufficient for CUDA runtime version ; GPU=0 ; "
                        + "hostname=x ; expr=cudaSetDevice(info_.device_id);", List.of()));
    }

    @Test
    void aGpuIndexThatDoesNotExistIsNamed() throws Exception {
        try (ProviderChoice choice = failingCuda(DRIVER, ExecutionProvider.cuda(3),
                "CUDA failure 101: invalid device ordinal ; GPU=3", List.of())) {
            assertEquals("CUDA unavailable: there is no GPU cuda:3 on this machine (nvidia-smi lists the GPUs and "
                    + "their indices).", choice.reason());
            assertEquals(ExecutionProvider.cuda(3), choice.requested());
        }
    }

    @Test
    void cudaAskedForWithoutAnyDriverSaysSoAndRunsOnCpu() throws Exception {
        try (ProviderChoice choice = failingCuda(NO_DRIVER, ExecutionProvider.cuda(0),
                "CUDA failure 100: no CUDA-capable device is detected ; GPU=0", List.of())) {
            assertEquals("CUDA unavailable: no NVIDIA driver found (no /dev/nvidiactl, /dev/nvidia0 or /dev/dxg), and "
                    + "ONNX Runtime says: no CUDA-capable GPU was found (nvidia-smi lists the GPUs the driver sees).",
                    choice.reason());
            assertEquals("cpu (" + choice.reason() + ")", choice.describe());
            runsAGraph(choice);
        }
    }

    @Test
    void anUnknownCudaFailureKeepsOnnxRuntimesMessageOnOneLine() throws Exception {
        assertEquals("CUDA unavailable: something new\nbroke".replace("\n", " ") + ".",
                reason("something new\n  broke", List.of()));
    }

    @Test
    void onThisCpuBuildCudaIsNeverTriedAndTheReasonSaysWhichBuildIsNeeded() throws Exception {
        ProviderResolver.CudaAttempt mustNotRun = (options, device) -> {
            throw new AssertionError("the CPU build tried CUDA");
        };
        try (ProviderChoice choice = new ProviderResolver(NO_DRIVER, Flavour.CPU, mustNotRun, List::of)
                .resolve(ExecutionProvider.cuda(0))) {
            assertEquals(ProviderResolver.CPU_BUILD, choice.reason());
            runsAGraph(choice);
        }
    }

    @Test
    void installedLibrariesAreListedFromTheLibraryFolders() throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        for (String name : List.of("libcudnn.so.8", "libcudnn.so.8.9.7", "libcublasLt.so.11", "libz.so.1", "notes.txt")) {
            Files.createFile(lib.resolve(name));
        }
        assertEquals(List.of("libcublasLt.so.11", "libcudnn.so.8", "libcudnn.so.8.9.7"),
                CudaFailure.installedLibraries(List.of(lib, dir.resolve("missing"))));
    }

    // A session that fails at run time for one input

    /** {@code y = Reshape(x, shape)}: fails when x's size is not the product of {@code shape}. */
    private OrtGraph reshapeGraph(ProviderChoice cpu) throws Exception {
        Path file = dir.resolve("embed.onnx");
        TinyOnnx.write(file, List.of(TinyOnnx.value("x", TinyOnnx.FLOAT, "n"), TinyOnnx.value("shape", TinyOnnx.INT64, 2)),
                List.of(TinyOnnx.value("y", TinyOnnx.FLOAT, "a", "b")),
                List.of(new TinyOnnx.Node("Reshape", List.of("x", "shape"), List.of("y"))));
        GraphSpec spec = new GraphSpec("embed.onnx", List.of(OrtGraphTest.spec("x", "n"),
                OrtGraphTest.spec("shape", DType.INT64, 2)), List.of(OrtGraphTest.spec("y", "a", "b")));
        return OrtGraph.open(cpu, GraphRole.EMBED, file, spec);
    }

    @Test
    void aRunThatFailsForOneInputIsOneSentenceAndTheNextRunWorks() throws Exception {
        try (ProviderChoice cpu = new ProviderResolver(NO_DRIVER).resolve(ExecutionProvider.CPU);
                OrtGraph graph = reshapeGraph(cpu);
                OnnxTensor five = OnnxTensor.createTensor(Ort.environment(), new float[] {1, 2, 3, 4, 5});
                OnnxTensor six = OnnxTensor.createTensor(Ort.environment(), new float[] {1, 2, 3, 4, 5, 6});
                OnnxTensor shape = OnnxTensor.createTensor(Ort.environment(), new long[] {2, 3})) {
            for (int attempt = 0; attempt < 3; attempt++) {
                EngineException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(
                        EngineException.class, () -> graph.run(Map.of("x", five, "shape", shape), new CancelToken())));
                assertTrue(e.getMessage().startsWith("The embed graph (embed.onnx) failed on inputs shape [2], x [5]: "),
                        e.getMessage());
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
                assertTrue(e.getCause() instanceof OrtException);
                if (attempt == 0) {
                    System.out.println("graph run failure: " + e.getMessage());
                }
                try (OrtSession.Result ok = graph.run(Map.of("x", six, "shape", shape), new CancelToken())) {
                    assertArrayEquals(new float[] {4, 5, 6}, ((float[][]) ok.get(0).getValue())[1]);
                }
            }
        }
    }

    @Test
    void anInputOfTheWrongSizeForTheGraphIsNamedWithItsShape() throws Exception {
        Path file = dir.resolve("embed.onnx");
        TinyOnnx.identity(file, TinyOnnx.value("x", TinyOnnx.FLOAT, "N", 3), TinyOnnx.value("y", TinyOnnx.FLOAT, "N", 3));
        GraphSpec spec = new GraphSpec("embed.onnx", List.of(OrtGraphTest.spec("x", "N", 3)),
                List.of(OrtGraphTest.spec("y", "N", 3)));
        try (ProviderChoice cpu = new ProviderResolver(NO_DRIVER).resolve(ExecutionProvider.CPU);
                OrtGraph graph = OrtGraph.open(cpu, GraphRole.EMBED, file, spec);
                OnnxTensor wrong = OnnxTensor.createTensor(Ort.environment(), new float[][] {{1, 2, 3, 4}});
                OnnxTensor right = OnnxTensor.createTensor(Ort.environment(), new float[][] {{1, 2, 3}})) {
            EngineException e = assertThrows(EngineException.class, () -> graph.run(Map.of("x", wrong), new CancelToken()));
            assertTrue(e.getMessage().startsWith("The embed graph (embed.onnx) failed on inputs x [1, 4]: "), e.getMessage());
            try (OrtSession.Result ok = graph.run(Map.of("x", right), new CancelToken())) {
                assertArrayEquals(new float[] {1, 2, 3}, ((float[][]) ok.get(0).getValue())[0]);
            }
        }
    }
}
