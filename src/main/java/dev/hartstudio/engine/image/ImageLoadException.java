package dev.hartstudio.engine.image;

/** An image file could not be read; the message is one sentence that names the file. */
public final class ImageLoadException extends Exception {

    public ImageLoadException(String message) {
        super(message);
    }

    public ImageLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
