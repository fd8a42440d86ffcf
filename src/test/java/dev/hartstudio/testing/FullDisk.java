package dev.hartstudio.testing;

import dev.hartstudio.persistence.png.AtomicWrite;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A disk with {@code free} bytes left, for the atomic writer: its temp files are real files, but a
 * write past the free space writes what fits and then fails as the operating system does, with
 * {@code No space left on device}. The free space is shared by every file written through it.
 */
public final class FullDisk {

    private final AtomicLong free;

    public FullDisk(long freeBytes) {
        this.free = new AtomicLong(freeBytes);
    }

    /** The writer whose temp files live on this disk. */
    public AtomicWrite writer() {
        return AtomicWrite.through(temp -> new Limited(FileChannel.open(temp, StandardOpenOption.WRITE)));
    }

    /** Bytes still free. */
    public long free() {
        return free.get();
    }

    private final class Limited extends FileChannel {
        private final FileChannel real;

        Limited(FileChannel real) {
            this.real = real;
        }

        private int allowed(int wanted) {
            while (true) {
                long left = free.get();
                int take = (int) Math.min(left, wanted);
                if (free.compareAndSet(left, left - take)) {
                    return take;
                }
            }
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int wanted = src.remaining();
            if (wanted == 0) {
                return 0;
            }
            int take = allowed(wanted);
            if (take == 0) {
                throw new IOException("No space left on device");
            }
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + take);
            int n = real.write(part);
            src.position(src.position() + n);
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                n += write(srcs[i]);
            }
            return n;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            throw new UnsupportedOperationException("positional writes are not used by the atomic writer");
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return real.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return real.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return real.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return real.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            real.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            real.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            real.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return real.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) {
            throw new UnsupportedOperationException("not used by the atomic writer");
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) {
            throw new UnsupportedOperationException("not used by the atomic writer");
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return real.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return real.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            real.close();
        }
    }

    /** The files {@code folder} would not show a user: the atomic writer's temp files. */
    public static long leftovers(Path folder) throws IOException {
        if (!java.nio.file.Files.isDirectory(folder)) {
            return 0;
        }
        try (var files = java.nio.file.Files.list(folder)) {
            return files.filter(f -> AtomicWrite.isTempFile(f.getFileName().toString())).count();
        }
    }
}
