package dev.hartstudio.engine;

/**
 * The one exception the engine throws to its callers (UI and CLI). The message is a short sentence
 * fit to show a user; ONNX Runtime's own exception, if any, is the cause.
 */
public class EngineException extends Exception {

    private static final long serialVersionUID = 1L;

    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
