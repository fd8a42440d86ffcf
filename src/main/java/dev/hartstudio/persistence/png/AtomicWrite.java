package dev.hartstudio.persistence.png;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Set;

/**
 * Saves a file so that it is either complete or not there, also when the process is killed or the
 * machine loses power: the bytes go to a hidden temp file in the same folder ({@code .NAME.RANDOM.part}),
 * are forced to disk, the temp file is moved over the target atomically, and the folder itself is
 * forced where the platform allows it. Saved files are {@code rw-r--r--} on POSIX systems, like any
 * file the user makes. Unlike {@code settings.AtomicFiles} it never creates folders (an export into a
 * folder that has gone should fail, not recreate it) and its errors say in one sentence why the file
 * could not be saved.
 *
 * <p>The static methods use the real file system; {@link #through(Opener)} gives a writer whose temp
 * files are opened by the caller (tests use it to simulate a full disk).
 */
public final class AtomicWrite {

    /** Suffix of the temp files; a file {@code .NAME.*.part} beside {@code NAME} is a leftover of a crash. */
    public static final String TEMP_SUFFIX = ".part";

    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicWrite DEFAULT = new AtomicWrite(temp -> FileChannel.open(temp, StandardOpenOption.WRITE));

    /** Writes the whole file content to {@code out}; the stream is closed by the caller. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Opens the (already created, empty) temp file for writing. */
    @FunctionalInterface
    public interface Opener {
        FileChannel open(Path temp) throws IOException;
    }

    private final Opener opener;

    private AtomicWrite(Opener opener) {
        this.opener = opener;
    }

    /** The writer on the real file system. */
    public static AtomicWrite standard() {
        return DEFAULT;
    }

    /** A writer whose temp files are written through the channels {@code opener} gives. */
    public static AtomicWrite through(Opener opener) {
        return new AtomicWrite(opener);
    }

    public static void write(Path target, byte[] bytes) throws IOException {
        DEFAULT.save(target, bytes);
    }

    /** {@link #save(Path, Body)} on the real file system. */
    public static void write(Path target, Body body) throws IOException {
        DEFAULT.save(target, body);
    }

    public void save(Path target, byte[] bytes) throws IOException {
        save(target, out -> out.write(bytes));
    }

    /**
     * Writes {@code target} through {@code body}, replacing it if it exists. On any failure the temp
     * file is removed and the previous content of {@code target}, if any, is left as it was.
     *
     * @throws IOException e.g. {@code Could not save /a/b.png: the folder /a is not writable.}
     */
    public void save(Path target, Body body) throws IOException {
        Path file = checkedTarget(target);
        Path temp = writeTemp(target, file, body);
        try {
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            deleteQuietly(temp);
            throw failure(target, file.getParent(), e);
        }
        forceFolder(file.getParent());
    }

    /**
     * Writes a new file {@code BASE.EXT} in {@code folder}, or {@code BASE-2.EXT}, {@code BASE-3.EXT},
     * ... when that name is taken: an existing file is never replaced, also not one that another
     * process creates at the same moment.
     *
     * @param extension with its dot, e.g. {@code .png}
     * @return the file written
     */
    public Path saveNew(Path folder, String base, String extension, Body body) throws IOException {
        Path first = folder.resolve(base + extension);
        Path file = checkedTarget(first);
        Path temp = writeTemp(first, file, body);
        try {
            for (int i = 2; ; i++) {
                try {
                    link(temp, file);
                    break;
                } catch (FileAlreadyExistsException taken) {
                    file = file.resolveSibling(base + "-" + i + extension);
                }
            }
        } catch (IOException e) {
            throw failure(file, file.getParent(), e);
        } finally {
            deleteQuietly(temp);
        }
        forceFolder(file.getParent());
        return file;
    }

    /** Makes {@code file} name the content of {@code temp}; fails if {@code file} exists. */
    private static void link(Path temp, Path file) throws IOException {
        try {
            Files.createLink(file, temp);
        } catch (UnsupportedOperationException | FileSystemException e) {
            if (e instanceof FileAlreadyExistsException taken) {
                throw taken;
            }
            // No hard links on this file system (FAT, some network shares): check, then move.
            if (Files.exists(file)) {
                throw new FileAlreadyExistsException(file.toString());
            }
            Files.move(temp, file);
        }
    }

    private static Path checkedTarget(Path target) throws IOException {
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
        return file;
    }

    /** The complete, forced temp file beside {@code file}; nothing is left behind when this throws. */
    private Path writeTemp(Path target, Path file, Body body) throws IOException {
        Path folder = file.getParent();
        Path temp;
        try {
            temp = createTemp(folder, file.getFileName().toString());
        } catch (IOException e) {
            throw failure(target, folder, e);
        }
        boolean written = false;
        try {
            try (FileChannel channel = opener.open(temp);
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
                body.writeTo(out);
                out.flush();
                channel.force(true);
            }
            written = true;
            return temp;
        } catch (IOException e) {
            throw failure(target, folder, e);
        } finally {
            if (!written) {
                deleteQuietly(temp);
            }
        }
    }

    /** A new empty temp file, {@code rw-r--r--} where the file system has POSIX permissions. */
    private static Path createTemp(Path folder, String name) throws IOException {
        boolean posix = Files.getFileStore(folder).supportsFileAttributeView("posix");
        for (int attempt = 0; ; attempt++) {
            Path temp = folder.resolve("." + name + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + TEMP_SUFFIX);
            try {
                if (posix) {
                    Files.createFile(temp, PosixFilePermissions.asFileAttribute(FILE_MODE));
                    // the umask may have taken bits away; the mode is what a saved file should have
                    Files.setPosixFilePermissions(temp, FILE_MODE);
                } else {
                    Files.createFile(temp);
                }
                return temp;
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    /** Makes the rename itself durable; not possible on every platform (Windows), where it is skipped. */
    private static void forceFolder(Path folder) {
        try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // The file content is on disk already; only the folder entry may still be in the cache.
        }
    }

    /** Whether {@code name} is one of this class's temp files (a leftover when its process died). */
    public static boolean isTempFile(String name) {
        return name.startsWith(".") && name.endsWith(TEMP_SUFFIX);
    }

    /**
     * Deletes this class's temp files in {@code folder} that are older than {@code age}: leftovers of
     * killed writers in a folder without a lock (the output folder), old enough that no running save
     * can still own them. Never throws.
     *
     * @return how many were removed
     */
    public static int removeStaleTempFiles(Path folder, java.time.Duration age) {
        java.nio.file.attribute.FileTime before = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(age));
        int removed = 0;
        try (java.util.stream.Stream<Path> files = Files.list(folder)) {
            for (Path p : files.filter(f -> isTempFile(f.getFileName().toString())).toList()) {
                try {
                    if (Files.getLastModifiedTime(p).compareTo(before) < 0 && Files.deleteIfExists(p)) {
                        removed++;
                    }
                } catch (IOException e) {
                    // gone meanwhile, or not ours to delete: leave it
                }
            }
        } catch (IOException e) {
            // an unreadable folder: the save that follows reports it
        }
        return removed;
    }

    /**
     * The one-sentence error for a failed save of {@code target}, e.g. {@code Could not save /a/b.png:
     * the disk is full.}
     */
    public static IOException failure(Path target, Path folder, IOException e) {
        // an encoder (ImageIO) may wrap the operating system's error in its own
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null && all.length() < 4096; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        String reason = all.toString().toLowerCase(Locale.ROOT);
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
            // The temp file is hidden and named after the target; the next open of its store removes it.
        }
    }
}
