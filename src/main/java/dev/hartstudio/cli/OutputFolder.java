package dev.hartstudio.cli;

import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.persistence.settings.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * The folder a command writes into. Every file is written whole or not at all (a sibling temp file
 * moved into place), so a full disk or a killed run never leaves a truncated PNG that a resumed run
 * would mistake for a finished one.
 */
final class OutputFolder {

    /** A write that failed; the message is one sentence for the user. */
    static final class WriteException extends Exception {
        private static final long serialVersionUID = 1L;

        WriteException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Path folder;

    private OutputFolder(Path folder) {
        this.folder = folder;
    }

    /** Creates the folder if needed and proves it can be written (a probe file, deleted at once). */
    static OutputFolder open(Path folder) throws WriteException {
        try {
            if (Files.exists(folder) && !Files.isDirectory(folder)) {
                throw new WriteException("Cannot use " + folder + " as the output folder: it is a file.", null);
            }
            Files.createDirectories(folder);
            Path probe = Files.createTempFile(folder, ".hart-write-test", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new WriteException("Cannot write to the output folder " + folder + ": " + reason(e) + ".", e);
        }
        return new OutputFolder(folder);
    }

    Path path() {
        return folder;
    }

    Path resolve(String name) {
        return folder.resolve(name);
    }

    /** Writes {@code image} as a PNG to {@code target}, atomically. */
    static void writePng(Path target, RgbImage image) throws WriteException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(image.width() * image.height() * 3 / 2 + 1024);
        try {
            if (!ImageIO.write(image.toBufferedImage(), "png", bytes)) {
                throw new IOException("no PNG writer in this Java runtime");
            }
        } catch (IOException e) {
            throw new WriteException("Could not encode " + target + ": " + reason(e) + ".", e);
        }
        write(target, bytes.toByteArray());
    }

    static void writeText(Path target, String text) throws WriteException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void write(Path target, byte[] bytes) throws WriteException {
        try {
            AtomicFiles.write(target, bytes);
        } catch (IOException e) {
            throw new WriteException("Could not write " + target + ": " + reason(e) + " (nothing partial was left).", e);
        }
    }

    /** The operating system's reason ("No space left on device") without the path repeated. */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return ((FileSystemException) e).getFile() + " exists and is not a folder";
        }
        if (e instanceof NotDirectoryException) {
            return ((FileSystemException) e).getFile() + " is not a folder";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
