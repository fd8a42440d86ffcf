package dev.hartstudio.engine;

/** The work was stopped because its {@link CancelToken} was cancelled; not an error to report. */
public class EngineCancelledException extends EngineException {

    private static final long serialVersionUID = 1L;

    public EngineCancelledException(String message) {
        super(message);
    }

    public EngineCancelledException(String message, Throwable cause) {
        super(message, cause);
    }
}
