package dev.hartstudio.persistence.png;

/**
 * A PNG's generation parameters could not be read. The message is one sentence that names the
 * file, e.g. {@code x.png has no generation parameters.}
 */
public final class MetadataException extends Exception {

    public MetadataException(String message) {
        super(message);
    }

    public MetadataException(String message, Throwable cause) {
        super(message, cause);
    }
}
