package dev.hartstudio.engine;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;

/** The process-wide ONNX Runtime environment, created once with warnings-only logging. */
public final class Ort {

    private static OrtEnvironment environment;

    private Ort() {
    }

    /** The shared environment; creates it on first use. Tensors for every graph are made with it. */
    public static synchronized OrtEnvironment environment() throws EngineException {
        if (environment == null) {
            try {
                OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "hart-studio");
                env.setTelemetry(false);
                environment = env;
            } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
                throw new EngineException("ONNX Runtime could not start: " + e.getMessage(), e);
            }
        }
        return environment;
    }
}
