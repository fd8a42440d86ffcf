package dev.hartstudio.engine;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import java.util.List;
import java.util.function.Supplier;

/**
 * Turns the user's {@link ExecutionProvider} into a {@link ProviderChoice}. {@code auto} first
 * probes for an NVIDIA driver (instant CPU without one); an explicit {@code cuda} request always
 * tries, since the probe can miss unusual installs. The CPU build never tries: it has no CUDA provider.
 * When ONNX Runtime cannot add CUDA (no GPU, CUDA or cuDNN libraries missing or of another major
 * version, a driver too old, a bad device index) the engine falls back to CPU and keeps the reason,
 * explained by {@link CudaFailure} (what is missing and what to install).
 */
public final class ProviderResolver {

    /** The reason reported when {@code auto} finds no driver. */
    public static final String NO_DRIVER = "no NVIDIA driver found";

    /** The reason reported when CUDA is asked of the CPU build, which has no CUDA provider. */
    public static final String CPU_BUILD = "this is the CPU build of ONNX Runtime; CUDA needs the GPU build ("
            + Flavour.ENV + "=gpu)";

    /** Adds the CUDA provider to session options; a test stands in for ONNX Runtime's failures. */
    interface CudaAttempt {
        /** Adds CUDA device {@code device} to {@code options}; returns the provider options to close later, or null. */
        OrtCUDAProviderOptions add(SessionOptions options, int device) throws OrtException;
    }

    private final DriverProbe probe;
    private final Flavour flavour;
    private final CudaAttempt cudaAttempt;
    private final Supplier<List<String>> installedLibraries;

    /** This machine's driver probe and this build's flavour. */
    public ProviderResolver() {
        this(DriverProbe.system());
    }

    /** {@code probe} and this build's flavour. */
    public ProviderResolver(DriverProbe probe) {
        this(probe, BuildInfo.current().flavour());
    }

    /** @param flavour the ONNX Runtime build in use: the CPU one never tries CUDA (it has no provider) */
    public ProviderResolver(DriverProbe probe, Flavour flavour) {
        this(probe, flavour, ProviderResolver::addCuda, () -> CudaFailure.installedLibraries(System.getenv()));
    }

    /** With {@code cudaAttempt} in place of ONNX Runtime and {@code installedLibraries} in place of the library path. */
    ProviderResolver(DriverProbe probe, Flavour flavour, CudaAttempt cudaAttempt,
            Supplier<List<String>> installedLibraries) {
        this.probe = probe;
        this.flavour = flavour;
        this.cudaAttempt = cudaAttempt;
        this.installedLibraries = installedLibraries;
    }

    /**
     * Resolves {@code requested}; never fails over a missing GPU, only when ONNX Runtime cannot
     * make CPU session options either.
     */
    public ProviderChoice resolve(ExecutionProvider requested) throws EngineException {
        Ort.environment();
        switch (requested.kind()) {
            case CPU:
                return cpu(requested, "CPU requested");
            case AUTO:
                DriverProbe.Status status = probe.probe();
                if (!status.found()) {
                    return cpu(requested, NO_DRIVER);
                }
                if (flavour == Flavour.CPU) {
                    return cpu(requested, Flavour.CPU.label());
                }
                return tryCuda(requested, 0);
            default:
                if (flavour == Flavour.CPU) {
                    return cpu(requested, CPU_BUILD);
                }
                return tryCuda(requested, requested.deviceId());
        }
    }

    private ProviderChoice tryCuda(ExecutionProvider requested, int device) throws EngineException {
        SessionOptions options = null;
        OrtCUDAProviderOptions cuda = null;
        try {
            options = baseOptions();
            cuda = cudaAttempt.add(options, device);
            return new ProviderChoice(requested, ExecutionProvider.cuda(device), "CUDA device " + device, options, cuda);
        } catch (OrtException e) {
            closeQuietly(options, cuda);
            return cpu(requested, "CUDA unavailable: " + cudaProblem(e.getMessage(), device));
        } catch (RuntimeException | Error e) {
            closeQuietly(options, cuda);
            throw e;
        }
    }

    /** What went wrong, and when the driver probe found nothing (an explicit request tries anyway), that too. */
    private String cudaProblem(String ortMessage, int device) {
        String explained = CudaFailure.explain(ortMessage, device, installedLibraries.get());
        DriverProbe.Status status = probe.probe();
        if (!status.found()) {
            return NO_DRIVER + " (" + status.detail() + "), and ONNX Runtime says: " + explained;
        }
        return explained;
    }

    /** ONNX Runtime's CUDA provider for {@code device}, with this app's settings. */
    private static OrtCUDAProviderOptions addCuda(SessionOptions options, int device) throws OrtException {
        OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(device);
        try {
            // HEURISTIC: the default EXHAUSTIVE search benchmarks every convolution algorithm for
            // each new input shape; the VAE and fhat_step see new shapes at every scale and batch
            // size, so the first image would stall for seconds. Heuristic choices are near-optimal.
            cuda.add("cudnn_conv_algo_search", "HEURISTIC");
            // kSameAsRequested: the KV cache grows by a different amount at every scale; doubling
            // the arena (kNextPowerOfTwo) can reserve up to twice the memory the 1024px model needs,
            // which does not fit consumer GPUs. Exact-size extension trades a few more cudaMallocs
            // (the arena still reuses freed chunks) for a predictable footprint.
            cuda.add("arena_extend_strategy", "kSameAsRequested");
            options.addCUDA(cuda);
            return cuda;
        } catch (OrtException | RuntimeException e) {
            cuda.close();
            throw e;
        }
    }

    private static ProviderChoice cpu(ExecutionProvider requested, String reason) throws EngineException {
        try {
            return new ProviderChoice(requested, ExecutionProvider.CPU, reason, baseOptions(), null);
        } catch (OrtException e) {
            throw new EngineException("ONNX Runtime could not set up the CPU: " + oneLine(e.getMessage()), e);
        }
    }

    /** Options shared by every graph, whatever the provider. */
    private static SessionOptions baseOptions() throws OrtException {
        SessionOptions options = new SessionOptions();
        try {
            // ALL: layout and fusion passes (attention, GELU, LayerNorm) pay off over the many runs
            // of one generation; the one-time cost is paid when the bundle loads.
            options.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
            // Threads (Ort): by default every graph runs on the environment's one shared pool of all
            // cores, whose workers keep spinning between runs; measured fastest in total (mid-size
            // model 5 % faster, HART-tiny 3 %), though the spinning worker slows the sampler's own
            // threads between runs. -Dhartstudio.ort.pools=session gives each graph its own pool
            // that stops spinning when its run ends (HART-tiny: 9 % of the time outside ONNX Runtime
            // instead of 12 %, at the same total). -Dhartstudio.ort.spin=false: no spinning at all.
            if (Ort.SHARED_POOL) {
                options.disablePerSessionThreads();
            } else {
                options.setIntraOpNumThreads(Ort.threads());
                options.addConfigEntry("session.intra_op.allow_spinning", Ort.SPIN ? "1" : "0");
                options.addConfigEntry("session.force_spinning_stop", "1");
            }
            options.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
            // Shapes repeat for every image (one set per scale), so planned buffers are reused.
            options.setMemoryPatternOptimization(true);
            options.setCPUArenaAllocator(true);
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    private static void closeQuietly(SessionOptions options, OrtCUDAProviderOptions cuda) {
        if (options != null) {
            options.close();
        }
        if (cuda != null) {
            cuda.close();
        }
    }

    static String oneLine(String message) {
        if (message == null || message.isBlank()) {
            return "unknown ONNX Runtime error";
        }
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
