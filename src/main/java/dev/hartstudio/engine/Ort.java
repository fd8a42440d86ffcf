package dev.hartstudio.engine;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The process-wide ONNX Runtime environment, created once with warnings-only logging. Call
 * {@link #environment()} before touching any other ONNX Runtime class (the engine does).
 */
public final class Ort {

    /**
     * ONNX Runtime 1.29's native library runs a deeply recursive initialiser when it is loaded: on
     * a thread with a 1 MB stack (the JVM's default for new threads) it overflows and the JVM dies
     * with SIGSEGV and no hs_err file. So the first touch happens on a thread with a large stack;
     * later calls (sessions, runs, the CUDA provider) work on ordinary threads.
     */
    private static final long INIT_STACK_BYTES = 64L << 20;

    private static OrtEnvironment environment;

    /** Whether pool threads spin while waiting for work (-Dhartstudio.ort.spin=false turns it off). */
    static final boolean SPIN = Boolean.parseBoolean(System.getProperty("hartstudio.ort.spin", "true").trim());

    /**
     * Whether every graph runs on one shared pool whose workers spin between runs (the default), or
     * each on its own pool that stops spinning after its run (-Dhartstudio.ort.pools=session).
     */
    static final boolean SHARED_POOL = !"session".equalsIgnoreCase(System.getProperty("hartstudio.ort.pools", "shared").trim());

    /** Whether ONNX Runtime's workers keep spinning between runs (the shared pool with spinning on). */
    public static boolean workersSpinBetweenRuns() {
        return SHARED_POOL && SPIN;
    }

    /** Threads of the shared ONNX Runtime pool: every core, or -Dhartstudio.threads=N. */
    public static int threads() {
        int n;
        try {
            n = Integer.parseInt(System.getProperty("hartstudio.threads", "").trim());
        } catch (NumberFormatException e) {
            n = Runtime.getRuntime().availableProcessors();   // unset; a bad value is reported by checkSettings
        }
        return Math.max(1, Math.min(n, 1024));
    }

    private Ort() {
    }

    /** The shared environment; creates it on first use. Tensors for every graph are made with it. */
    public static synchronized OrtEnvironment environment() throws EngineException {
        if (environment == null) {
            checkSettings();
            environment = create();
        }
        return environment;
    }

    /**
     * Checks the engine's -D settings, so that a mistyped value is reported instead of quietly
     * falling back to the default (e.g. {@code -Dhartstudio.ort.pools=sesion} would otherwise run
     * the shared pool).
     */
    static void checkSettings() throws EngineException {
        choice("hartstudio.ort.pools", "shared", "session");
        choice("hartstudio.ort.spin", "true", "false");
        choice("hartstudio.vector", "true", "false");
        String threads = System.getProperty("hartstudio.threads");
        if (threads != null) {
            int n;
            try {
                n = Integer.parseInt(threads.trim());
            } catch (NumberFormatException e) {
                n = 0;
            }
            if (n < 1 || n > 1024) {
                throw new EngineException("-Dhartstudio.threads is \"" + threads + "\": expected a number of cores from 1 to 1024.");
            }
        }
    }

    private static void choice(String key, String... allowed) throws EngineException {
        String v = System.getProperty(key);
        if (v == null) {
            return;
        }
        for (String a : allowed) {
            if (a.equalsIgnoreCase(v.trim())) {
                return;
            }
        }
        throw new EngineException("-D" + key + " is \"" + v + "\": expected " + String.join(" or ", allowed) + ".");
    }

    private static OrtEnvironment create() throws EngineException {
        FutureTask<OrtEnvironment> task = new FutureTask<>(() -> {
            // The shared pool of all cores (see ProviderResolver), or none: every session its own.
            OrtEnvironment env;
            if (SHARED_POOL) {
                try (OrtEnvironment.ThreadingOptions threads = new OrtEnvironment.ThreadingOptions()) {
                    threads.setGlobalIntraOpNumThreads(threads());
                    threads.setGlobalInterOpNumThreads(1);
                    threads.setGlobalSpinControl(SPIN);
                    env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "hart-studio", threads);
                }
            } else {
                env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "hart-studio");
            }
            env.setTelemetry(false);
            return env;
        });
        Thread thread = new Thread(null, task, "onnxruntime-init", INIT_STACK_BYTES);
        thread.setDaemon(true);
        thread.start();
        try {
            return task.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String message = cause instanceof OrtException || cause instanceof LinkageError
                    || cause instanceof RuntimeException ? cause.getMessage() : String.valueOf(cause);
            throw new EngineException("ONNX Runtime could not start: " + message, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("Interrupted while ONNX Runtime was starting.", e);
        }
    }
}
