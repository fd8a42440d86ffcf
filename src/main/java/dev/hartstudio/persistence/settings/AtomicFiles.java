package dev.hartstudio.persistence.settings;

import dev.hartstudio.persistence.png.AtomicWrite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Whole-file writes of the data folder's files that never leave a half-written file ({@link AtomicWrite}:
 * a synced sibling temp file moved over the target, the folder synced), creating the folder first;
 * and the two things a store does with what a crash or a damaged disk left: remove leftover temp
 * files, and move a damaged file aside without overwriting an earlier one.
 */
public final class AtomicFiles {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    private AtomicFiles() {
    }

    /** Writes {@code text} as UTF-8 to {@code target}, creating its folder. */
    public static void writeString(Path target, String text) throws IOException {
        write(AtomicWrite.standard(), target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code bytes} to {@code target}, creating its folder. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(AtomicWrite.standard(), target, bytes);
    }

    /** Writes {@code bytes} to {@code target} through {@code writer}, creating its folder. */
    public static void write(AtomicWrite writer, Path target, byte[] bytes) throws IOException {
        Path folder = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw AtomicWrite.failure(target, folder, e);
        }
        writer.save(target, bytes);
    }

    /**
     * Deletes the temp files that killed writers left in {@code folder} ({@code .NAME.*.part}). Call
     * it only while no other writer into {@code folder} can run (holding the folder's {@link DataLock}).
     *
     * @return how many were removed
     */
    public static int removeLeftovers(Path folder) {
        return removeLeftovers(folder, "");
    }

    /** {@link #removeLeftovers(Path)} of the temp files of the file {@code name} only. */
    public static int removeLeftovers(Path folder, String name) {
        int removed = 0;
        for (Path p : leftovers(folder, name)) {
            try {
                if (Files.deleteIfExists(p)) {
                    removed++;
                }
            } catch (IOException e) {
                // Leftovers are hidden and never read; they are tried again at the next open.
            }
        }
        return removed;
    }

    /** Whether {@link #removeLeftovers} would find anything (a cheap check before taking the lock). */
    public static boolean hasLeftovers(Path folder) {
        return !leftovers(folder, "").isEmpty();
    }

    /** {@link #hasLeftovers(Path)} for the temp files of the file {@code name} only. */
    public static boolean hasLeftovers(Path folder, String name) {
        return !leftovers(folder, name).isEmpty();
    }

    private static List<Path> leftovers(Path folder, String name) {
        String prefix = name.isEmpty() ? "." : "." + name + ".";
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && AtomicWrite.isTempFile(p.getFileName().toString())).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Renames a damaged {@code file} to {@code NAME.broken-yyyyMMdd-HHmmss} (with {@code -2}, {@code -3},
     * ... when that exists), so that nothing is overwritten and the user can still look at it.
     *
     * @return the new name of the file
     */
    public static Path moveAside(Path file, LocalDateTime now) throws IOException {
        String base = file.getFileName() + ".broken-" + now.format(STAMP);
        Path aside = file.resolveSibling(base);
        for (int i = 2; Files.exists(aside); i++) {
            aside = file.resolveSibling(base + "-" + i);
        }
        // no REPLACE_EXISTING: if another process took the name in between, this fails instead of overwriting
        Files.move(file, aside);
        return aside;
    }
}
