package dev.hartstudio.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

    // np.save of np.arange(6, dtype='<f4').reshape(2, 3) / 4
    private static final String NUMPY_F4 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAACAPgAAAD8AAEA/AACAPwAAoD8=";
    // np.save of np.array([1.5, -2.25], dtype='<f8')
    private static final String NUMPY_F8 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAD4PwAAAAAAAALA";
    // np.save of np.array([[7], [-9]], dtype='<i8')
    private static final String NUMPY_I8 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDEpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoHAAAAAAAAAPf/////////";
    // np.lib.format.write_array(np.arange(3, dtype='<f4'), version=(2, 0))
    private static final String NUMPY_V2 = "k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMywpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAACAPwAAAEA=";

    @TempDir
    Path dir;

    @Test
    void readsNumpyFloat32Matrix() throws Exception {
        Npy a = Npy.parse("a.npy", decode(NUMPY_F4));
        assertEquals(Npy.Kind.FLOAT32, a.kind());
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(new float[] {0f, 0.25f, 0.5f, 0.75f, 1f, 1.25f}, a.floats());
    }

    @Test
    void readsNumpyFloat64Vector() throws Exception {
        Npy a = Npy.parse("a.npy", decode(NUMPY_F8));
        assertArrayEquals(new int[] {2}, a.shape());
        assertArrayEquals(new double[] {1.5, -2.25}, a.doubles());
    }

    @Test
    void readsNumpyInt64() throws Exception {
        Npy a = Npy.parse("a.npy", decode(NUMPY_I8));
        assertArrayEquals(new int[] {2, 1}, a.shape());
        assertArrayEquals(new long[] {7, -9}, a.longs());
    }

    @Test
    void readsVersion2Header() throws Exception {
        assertArrayEquals(new float[] {0f, 1f, 2f}, Npy.parse("a.npy", decode(NUMPY_V2)).floats());
    }

    @Test
    void writerOutputMatchesNumpyByteForByte() throws Exception {
        Path file = dir.resolve("a.npy");
        Npy.writeFloat32(file, new int[] {2, 3}, new float[] {0f, 0.25f, 0.5f, 0.75f, 1f, 1.25f});
        assertArrayEquals(decode(NUMPY_F4), Files.readAllBytes(file));
    }

    @Test
    void roundTripsInt64AndFloat64() throws Exception {
        Path longs = dir.resolve("l.npy");
        Path doubles = dir.resolve("d.npy");
        Npy.writeInt64(longs, new int[] {3}, new long[] {1, Long.MIN_VALUE, 3});
        Npy.writeFloat64(doubles, new int[] {1, 2}, new double[] {Math.PI, -0.0});
        assertArrayEquals(new long[] {1, Long.MIN_VALUE, 3}, Npy.read(longs).longs());
        assertArrayEquals(new double[] {Math.PI, -0.0}, Npy.read(doubles).doubles());
    }

    @Test
    void bigEndianIsRefusedNamingTheFile() {
        byte[] bytes = decode(NUMPY_F4);
        replace(bytes, "'<f4'", "'>f4'");
        BundleException e = assertThrows(BundleException.class, () -> Npy.parse("codebook.npy", bytes));
        assertTrue(e.getMessage().startsWith("codebook.npy has element type '>f4'"), e.getMessage());
    }

    @Test
    void fortranOrderIsRefused() {
        byte[] bytes = decode(NUMPY_F4);
        replace(bytes, "False", "True ");
        BundleException e = assertThrows(BundleException.class, () -> Npy.parse("x.npy", bytes));
        assertTrue(e.getMessage().contains("Fortran order"), e.getMessage());
    }

    @Test
    void unknownFormatVersionIsRefused() {
        byte[] bytes = decode(NUMPY_F4);
        bytes[6] = 3;
        BundleException e = assertThrows(BundleException.class, () -> Npy.parse("x.npy", bytes));
        assertEquals("x.npy has .npy format version 3.0; only 1.0 and 2.0 are supported.", e.getMessage());
    }

    @Test
    void truncatedDataIsRefused() {
        byte[] full = decode(NUMPY_F4);
        byte[] bytes = java.util.Arrays.copyOf(full, full.length - 4);
        BundleException e = assertThrows(BundleException.class, () -> Npy.parse("x.npy", bytes));
        assertTrue(e.getMessage().contains("holds 20 data bytes"), e.getMessage());
    }

    @Test
    void otherFilesAreNotNpy() {
        byte[] bytes = "{\"not\": \"npy\"}".getBytes(StandardCharsets.UTF_8);
        BundleException e = assertThrows(BundleException.class, () -> Npy.parse("x.npy", bytes));
        assertTrue(e.getMessage().startsWith("x.npy is not a NumPy .npy file"), e.getMessage());
    }

    private static byte[] decode(String base64) {
        return Base64.getDecoder().decode(base64);
    }

    private static void replace(byte[] bytes, String from, String to) {
        String s = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = s.indexOf(from);
        byte[] replacement = to.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(replacement, 0, bytes, at, replacement.length);
    }
}
