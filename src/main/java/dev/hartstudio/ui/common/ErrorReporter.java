package dev.hartstudio.ui.common;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;

/**
 * Turns failures into a short message the window shows (with expandable details) and appends the
 * stack trace to {@code hart-studio.log} in the data folder. UI thread only.
 */
public final class ErrorReporter {

    /** Log file name inside the data folder. */
    public static final String LOG_FILE = "hart-studio.log";

    private static final long MAX_LOG_BYTES = 4L << 20;

    private final Path logFile;
    private final ObjectProperty<UserMessage> message = new SimpleObjectProperty<>(this, "message");

    /** {@code logFile} null: no log (tests). */
    public ErrorReporter(Path logFile) {
        this.logFile = logFile;
    }

    // Properties

    /** The message on screen, or null. */
    public ReadOnlyObjectProperty<UserMessage> messageProperty() {
        return message;
    }

    public UserMessage getMessage() {
        return message.get();
    }

    // Commands

    /** Shows {@code text} with the failure's message and stack trace as details, and logs it. */
    public void report(String text, Throwable failure) {
        String details = stackTrace(failure);
        log(text, details);
        String reason = failure.getMessage() == null || failure.getMessage().isBlank()
                ? failure.getClass().getSimpleName() : failure.getMessage();
        String shown = text.isBlank() ? reason : text + " " + reason;
        message.set(UserMessage.error(shown.strip(),
                details + (logFile == null ? "" : System.lineSeparator() + "Logged to " + logFile)));
    }

    /** Shows an informational or warning message (not logged as an error). */
    public void show(UserMessage m) {
        message.set(m);
    }

    public void dismiss() {
        message.set(null);
    }

    /** Writes a line to the log without showing anything. */
    public void log(String text, String details) {
        if (logFile == null) {
            return;
        }
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            if (Files.exists(logFile) && Files.size(logFile) > MAX_LOG_BYTES) {
                Files.move(logFile, logFile.resolveSibling(LOG_FILE + ".1"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
            Files.writeString(logFile, stamp + " " + text + System.lineSeparator() + details + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // Logging must never take the window down; the message is still shown.
        }
    }

    public Path logFile() {
        return logFile;
    }

    static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
