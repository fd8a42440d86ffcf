package dev.hartstudio.persistence.settings;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A lock shared by every process on one data folder: an advisory {@link FileLock} on a small lock
 * file, plus a lock per JVM (a JVM may not hold two file locks on one file). Held only while a store
 * reads, merges and writes its file, so two studios, or a studio and the command line, take turns.
 */
public final class DataLock {

    /** Work done while the lock is held. */
    @FunctionalInterface
    public interface Action<T> {
        T run() throws IOException;
    }

    private static final Map<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();

    private DataLock() {
    }

    /**
     * Runs {@code action} holding the lock on {@code lockFile} (created if missing; its folder must
     * exist). Nested calls on one thread are allowed.
     *
     * @throws IOException when the lock file cannot be created, e.g. the folder is read-only
     */
    public static <T> T holding(Path lockFile, Action<T> action) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock local = IN_THIS_JVM.computeIfAbsent(key, k -> new ReentrantLock());
        local.lock();
        try {
            if (local.getHoldCount() > 1) {
                return action.run();
            }
            try (FileChannel channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = lockOrNull(channel);
                try {
                    return action.run();
                } finally {
                    if (lock != null) {
                        lock.release();
                    }
                }
            }
        } finally {
            local.unlock();
        }
    }

    private static FileLock lockOrNull(FileChannel channel) {
        try {
            return channel.lock();
        } catch (IOException e) {
            // File systems without locks (some network shares): the atomic writes still keep each
            // file whole; only a merge with a second process at the same instant can miss an entry.
            return null;
        }
    }
}
