package dev.hartstudio.cli;

import dev.hartstudio.bundle.Bundle;
import dev.hartstudio.engine.HartEngine;
import dev.hartstudio.engine.generate.GenerationResult;
import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.persistence.png.AtomicWrite;
import dev.hartstudio.persistence.png.GenerationMetadata;
import dev.hartstudio.persistence.png.PngMetadata;
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
 * The folder a command writes into. Every file is written whole or not at all ({@link AtomicWrite}:
 * a hidden sibling temp file, synced, then moved into place), so a full disk or a killed run never
 * leaves a truncated PNG that a resumed run would mistake for a finished one.
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

    /** Writes {@code image} as a plain PNG to {@code target}, atomically. */
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

    /**
     * Writes image {@code index} of {@code result} as a PNG that carries its parameters (the A1111
     * {@code parameters} text and the full JSON of {@link PngMetadata}), atomically.
     */
    static void writeGenerated(Path target, GenerationResult result, int index, Bundle bundle, String provider)
            throws WriteException {
        GenerationMetadata metadata = GenerationMetadata.of(result, index, bundle, provider, HartEngine.ortVersion(),
                appVersion());
        try {
            createParent(target);
            PngMetadata.write(target, result.images().get(index), metadata);
        } catch (IOException e) {
            throw new WriteException(e.getMessage(), e);
        }
    }

    static void writeText(Path target, String text) throws WriteException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void write(Path target, byte[] bytes) throws WriteException {
        try {
            createParent(target);
            AtomicWrite.write(target, bytes);
        } catch (IOException e) {
            throw new WriteException(e.getMessage(), e);
        }
    }

    private static void createParent(Path target) throws WriteException {
        Path parent = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new WriteException("Could not save " + target + ": cannot create the folder " + parent + " ("
                    + reason(e) + ").", e);
        }
    }

    /** The app version recorded in PNG metadata: the jar's, or "dev" when run from classes. */
    static String appVersion() {
        String v = OutputFolder.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
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
