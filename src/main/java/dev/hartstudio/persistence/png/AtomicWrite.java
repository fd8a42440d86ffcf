package dev.hartstudio.persistence.png;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Saves a file so that it is either complete or not there: the bytes go to a hidden temp file in
 * the same folder, are forced to disk, and the temp file is then moved over the target atomically.
 * Unlike {@code settings.AtomicFiles} it never creates folders (an export into a folder that has gone
 * should fail, not recreate it) and its errors say in one sentence why the file could not be saved.
 */
public final class AtomicWrite {

    /** Writes the whole file content to {@code out}; the stream is closed by the caller. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicWrite() {
    }

    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * Writes {@code target} through {@code body}. On any failure the temp file is removed and the
     * previous content of {@code target}, if any, is left as it was.
     *
     * @throws IOException e.g. {@code Could not save /a/b.png: the folder /a is not writable.}
     */
    public static void write(Path target, Body body) throws IOException {
        Path file = target.toAbsolutePath();
        Path folder = file.getParent();
        if (folder == null || !Files.exists(folder)) {
            throw new IOException("Could not save " + target + ": the folder " + folder + " does not exist.");
        }
        if (!Files.isDirectory(folder)) {
            throw new IOException("Could not save " + target + ": " + folder + " is a file, not a folder.");
        }
        if (Files.isDirectory(file)) {
            throw new IOException("Could not save " + target + ": a folder of that name is in the way.");
        }
        Path temp;
        try {
            temp = Files.createTempFile(folder, "." + file.getFileName() + ".", ".part");
        } catch (IOException e) {
            throw failure(target, folder, e);
        }
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
                body.writeTo(out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } catch (IOException e) {
            throw failure(target, folder, e);
        } finally {
            if (!moved) {
                deleteQuietly(temp);
            }
        }
    }

    private static IOException failure(Path target, Path folder, IOException e) {
        String reason = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        String why;
        if (reason.contains("no space left") || reason.contains("not enough space") || reason.contains("disk full")
                || reason.contains("disk quota")) {
            why = "the disk is full";
        } else if (reason.contains("read-only file system")) {
            why = "the folder " + folder + " is on a read-only disk";
        } else if (e instanceof AccessDeniedException) {
            why = "the folder " + folder + " is not writable";
        } else if (e instanceof NoSuchFileException) {
            why = "the folder " + folder + " does not exist";
        } else {
            why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return new IOException("Could not save " + target + ": " + why + ".", e);
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // The temp file is hidden and named after the target; nothing better to do than leave it.
        }
    }
}
