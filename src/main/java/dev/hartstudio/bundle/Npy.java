package dev.hartstudio.bundle;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A NumPy {@code .npy} array: little-endian float32, float64 or int64 in C order, format version
 * 1.0 or 2.0. Anything else is refused with a message naming the file.
 */
public final class Npy {

    /** Element types this reader accepts, with their NumPy {@code descr}. */
    public enum Kind {
        FLOAT32("<f4", 4),
        FLOAT64("<f8", 8),
        INT64("<i8", 8);

        private final String descr;
        private final int bytes;

        Kind(String descr, int bytes) {
            this.descr = descr;
            this.bytes = bytes;
        }

        public String descr() {
            return descr;
        }
    }

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private final Kind kind;
    private final int[] shape;
    private final float[] floats;
    private final double[] doubles;
    private final long[] longs;

    private Npy(Kind kind, int[] shape, float[] floats, double[] doubles, long[] longs) {
        this.kind = kind;
        this.shape = shape;
        this.floats = floats;
        this.doubles = doubles;
        this.longs = longs;
    }

    /** Reads {@code file}; errors name the file. */
    public static Npy read(Path file) throws BundleException {
        String name = String.valueOf(file.getFileName());
        try {
            return parse(name, Files.readAllBytes(file));
        } catch (IOException e) {
            throw new BundleException(name + " could not be read: " + e.getMessage() + ".", e);
        }
    }

    /** Parses the bytes of a {@code .npy} file called {@code name} (used in messages). */
    public static Npy parse(String name, byte[] bytes) throws BundleException {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new BundleException(name + " is not a NumPy .npy file (the magic string \\x93NUMPY is missing).");
        }
        int major = bytes[6];
        int minor = bytes[7];
        long headerLength;
        int headerStart;
        if (major == 1 && minor == 0) {
            headerLength = Short.toUnsignedInt(buf.getShort(8));
            headerStart = 10;
        } else if (major == 2 && minor == 0) {
            if (bytes.length < 12) {
                throw new BundleException(name + " is truncated inside its .npy header.");
            }
            headerLength = Integer.toUnsignedLong(buf.getInt(8));
            headerStart = 12;
        } else {
            throw new BundleException(name + " has .npy format version " + major + "." + minor
                    + "; only 1.0 and 2.0 are supported.");
        }
        if (headerStart + headerLength > bytes.length) {
            throw new BundleException(name + " is truncated inside its .npy header.");
        }
        String header = new String(bytes, headerStart, (int) headerLength, StandardCharsets.ISO_8859_1);
        Kind kind = kind(name, header);
        Matcher fortran = FORTRAN.matcher(header);
        if (!fortran.find()) {
            throw new BundleException(name + " has a .npy header without fortran_order.");
        }
        if (fortran.group(1).equals("True")) {
            throw new BundleException(name + " is stored in Fortran order; only C order is supported.");
        }
        int[] shape = shape(name, header);
        long count = 1;
        for (int d : shape) {
            count *= d;
            if (count > Integer.MAX_VALUE - 8) {
                throw new BundleException(name + " has too many elements (shape " + Arrays.toString(shape) + ").");
            }
        }
        int dataStart = (int) (headerStart + headerLength);
        long expectedBytes = count * kind.bytes;
        if (bytes.length - dataStart != expectedBytes) {
            throw new BundleException(name + " holds " + (bytes.length - dataStart) + " data bytes, but shape "
                    + Arrays.toString(shape) + " of " + kind.descr + " needs " + expectedBytes + ".");
        }
        buf.position(dataStart);
        int n = (int) count;
        switch (kind) {
            case FLOAT32: {
                float[] data = new float[n];
                buf.asFloatBuffer().get(data);
                return new Npy(kind, shape, data, null, null);
            }
            case FLOAT64: {
                double[] data = new double[n];
                buf.asDoubleBuffer().get(data);
                return new Npy(kind, shape, null, data, null);
            }
            default: {
                long[] data = new long[n];
                buf.asLongBuffer().get(data);
                return new Npy(kind, shape, null, null, data);
            }
        }
    }

    /** Writes a float32 array as a version 1.0 {@code .npy} file. */
    public static void writeFloat32(Path file, int[] shape, float[] data) throws IOException {
        ByteBuffer body = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        body.asFloatBuffer().put(data);
        write(file, Kind.FLOAT32, shape, data.length, body.array());
    }

    /** Writes a float64 array as a version 1.0 {@code .npy} file. */
    public static void writeFloat64(Path file, int[] shape, double[] data) throws IOException {
        ByteBuffer body = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        body.asDoubleBuffer().put(data);
        write(file, Kind.FLOAT64, shape, data.length, body.array());
    }

    /** Writes an int64 array as a version 1.0 {@code .npy} file. */
    public static void writeInt64(Path file, int[] shape, long[] data) throws IOException {
        ByteBuffer body = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        body.asLongBuffer().put(data);
        write(file, Kind.INT64, shape, data.length, body.array());
    }

    public Kind kind() {
        return kind;
    }

    /** The shape (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** The float32 data in C order; fails unless {@link #kind()} is FLOAT32. */
    public float[] floats() {
        requireKind(Kind.FLOAT32);
        return floats;
    }

    /** The float64 data in C order; fails unless {@link #kind()} is FLOAT64. */
    public double[] doubles() {
        requireKind(Kind.FLOAT64);
        return doubles;
    }

    /** The int64 data in C order; fails unless {@link #kind()} is INT64. */
    public long[] longs() {
        requireKind(Kind.INT64);
        return longs;
    }

    private void requireKind(Kind wanted) {
        if (kind != wanted) {
            throw new IllegalStateException("array is " + kind + ", not " + wanted);
        }
    }

    private static Kind kind(String name, String header) throws BundleException {
        Matcher m = DESCR.matcher(header);
        if (!m.find()) {
            throw new BundleException(name + " has a .npy header without descr.");
        }
        String descr = m.group(1);
        for (Kind k : Kind.values()) {
            if (k.descr.equals(descr)) {
                return k;
            }
        }
        throw new BundleException(name + " has element type '" + descr
                + "'; only little-endian float32 (<f4), float64 (<f8) and int64 (<i8) are supported.");
    }

    private static int[] shape(String name, String header) throws BundleException {
        Matcher m = SHAPE.matcher(header);
        if (!m.find()) {
            throw new BundleException(name + " has a .npy header without shape.");
        }
        String[] parts = m.group(1).split(",");
        int[] dims = new int[parts.length];
        int rank = 0;
        for (String part : parts) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            try {
                dims[rank] = Integer.parseInt(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
            } catch (NumberFormatException e) {
                throw new BundleException(name + " has an unreadable shape (" + m.group(1) + ").", e);
            }
            if (dims[rank] < 0) {
                throw new BundleException(name + " has a negative dimension in its shape (" + m.group(1) + ").");
            }
            rank++;
        }
        return Arrays.copyOf(dims, rank);
    }

    private static void write(Path file, Kind kind, int[] shape, int count, byte[] body) throws IOException {
        long product = 1;
        for (int d : shape) {
            product *= d;
        }
        if (product != count) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + count + " values");
        }
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            dims.append(d).append(", ");
        }
        String tuple = shape.length == 1 ? "(" + shape[0] + ",)" : "(" + (shape.length == 0 ? "" : dims.substring(0, dims.length() - 2)) + ")";
        String dict = "{'descr': '" + kind.descr + "', 'fortran_order': False, 'shape': " + tuple + ", }";
        // Pad with spaces so that magic + length + header + '\n' is a multiple of 64 bytes.
        int unpadded = MAGIC.length + 4 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer prefix = ByteBuffer.allocate(MAGIC.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        prefix.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(prefix.array());
            out.write(header.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
        }
    }
}
