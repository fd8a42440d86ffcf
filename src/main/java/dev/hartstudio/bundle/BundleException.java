package dev.hartstudio.bundle;

/**
 * A bundle could not be opened. The message is one sentence that names the file and the field at
 * fault, e.g. {@code manifest.json: graphs.step.file "../x.onnx" leaves the bundle folder}.
 */
public class BundleException extends Exception {

    private static final long serialVersionUID = 1L;

    public BundleException(String message) {
        super(message);
    }

    public BundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
