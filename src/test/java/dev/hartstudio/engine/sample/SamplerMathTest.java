package dev.hartstudio.engine.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.bundle.Npy;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SamplerMathTest {

    @Test
    void selectFindsTheSameOrderStatisticAsSorting() {
        Random r = new Random(1);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + r.nextInt(900);
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = trial % 3 == 0 ? r.nextInt(5) : (float) r.nextGaussian();   // many ties in a third of the trials
            }
            float[] sorted = a.clone();
            Arrays.sort(sorted);
            int index = r.nextInt(n);
            assertEquals(sorted[index], SamplerMath.select(a.clone(), index));
        }
    }

    @Test
    void selectOrdersSignedZerosInfinitiesAndSubnormals() {
        float[] special = {Float.NEGATIVE_INFINITY, -Float.MAX_VALUE, -1f, -Float.MIN_VALUE, -0f, 0f,
            Float.MIN_VALUE, Float.MIN_NORMAL, 1f, Float.MAX_VALUE, Float.POSITIVE_INFINITY};
        Random r = new Random(2);
        for (int trial = 0; trial < 100; trial++) {
            float[] a = new float[1 + r.nextInt(40)];
            for (int i = 0; i < a.length; i++) {
                a[i] = special[r.nextInt(special.length)];
            }
            float[] sorted = a.clone();
            Arrays.sort(sorted);                             // Arrays.sort puts -0 before 0, as select does
            int index = r.nextInt(a.length);
            assertEquals(Float.floatToIntBits(sorted[index]), Float.floatToIntBits(SamplerMath.select(a.clone(), index)));
        }
    }

    @Test
    void topKKeepsTiesWithTheKthValue() {
        float[] z = {1, 5, 3, 5, 2, 5};
        SamplerMath.topK(z, 1, 6, 2);
        assertEquals(Float.NEGATIVE_INFINITY, z[0]);
        assertEquals(5f, z[1]);
        assertEquals(5f, z[3]);
        assertEquals(5f, z[5]);
        assertEquals(Float.NEGATIVE_INFINITY, z[2]);
    }

    @Test
    void stableOrderEqualsAStableSortWithTiesNegativesZerosAndMaskedEntries() {
        Random r = new Random(3);
        for (int trial = 0; trial < 50; trial++) {
            int vocab = 1 + r.nextInt(300);
            float[] z = new float[vocab + 7];
            for (int v = 0; v < z.length; v++) {
                int kind = r.nextInt(6);
                z[v] = switch (kind) {
                    case 0 -> Float.NEGATIVE_INFINITY;
                    case 1 -> r.nextInt(3) - 1;                  // many ties, including 0
                    case 2 -> -0.0f;
                    default -> (float) r.nextGaussian() * 10;
                };
            }
            int o = 7;
            Integer[] boxed = new Integer[vocab];
            for (int v = 0; v < vocab; v++) {
                boxed[v] = v;
            }
            Arrays.sort(boxed, (x, y) -> Float.compare(z[o + x], z[o + y]));
            int[] order = new int[vocab];
            SamplerMath.stableOrder(z, o, vocab, order);
            for (int i = 0; i < vocab; i++) {
                assertEquals(boxed[i].intValue(), order[i], "trial " + trial + " position " + i);
            }
        }
    }

    @Test
    void rowWiseTopKAndTopPEqualTheWholeMatrixVersions() {
        Random r = new Random(5);
        int rows = 9;
        int vocab = 64;
        float[] a = new float[rows * vocab];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian() * 3;
        }
        float[] b = a.clone();
        SamplerMath.topK(a, rows, vocab, 20);
        SamplerMath.topP(a, rows, vocab, 0.8);
        int[] tmp = new int[vocab];
        int[] order = new int[vocab];
        double[] e = new double[vocab];
        for (int row = rows - 1; row >= 0; row--) {               // any order of rows gives the same
            SamplerMath.topKRow(b, row * vocab, vocab, 20, tmp);
            SamplerMath.topPRow(b, row * vocab, vocab, 0.8, order, e);
        }
        assertArrayEquals(a, b);
        long kept = 0;
        for (float v : a) {
            kept += v == Float.NEGATIVE_INFINITY ? 0 : 1;
        }
        assertTrue(kept >= rows && kept < rows * 20L, "top-p removes some of the top-k survivors, never all");
    }

    @Test
    void areaOfAConstantMapIsTheConstant() {
        int big = 8;
        float[] f = new float[2 * big * big];
        Arrays.fill(f, 0.25f);
        double[] down = new double[3 * big];
        for (int i = 0; i < 3; i++) {
            for (int q = 0; q < big; q++) {
                down[i * big + q] = 1.0 / big;
            }
        }
        float[] t = SamplerMath.area(f, 1, 2, big, down, 3);
        for (float v : t) {
            assertEquals(0.25f, v, 1e-7f);
        }
    }

    /**
     * A HART-tiny latent whose area resize has a float32 rounding tie (src/test/resources/area-tie:
     * scale 3 of "a red circle", seed 7, CFG 4.5). The Python reference computes the same bits in the
     * same summation order (tests/test_sampler_math.py reads these files too); with a BLAS-ordered
     * sum one token rounds the other way and scale 5 draws a different token.
     */
    @Test
    void areaRoundsTheTieCaseExactlyAsTheReference() throws Exception {
        Path dir = Path.of("src/test/resources/area-tie");
        Npy f = Npy.read(dir.resolve("fhat.npy"));
        Npy down = Npy.read(dir.resolve("down.npy"));
        Npy expected = Npy.read(dir.resolve("tokens.npy"));
        int cv = f.shape()[1];
        int big = f.shape()[2];
        int p = down.shape()[0];
        float[] t = SamplerMath.area(f.floats(), 1, cv, big, down.doubles(), p);
        float[] want = expected.floats();
        assertEquals(want.length, t.length);
        for (int i = 0; i < t.length; i++) {
            assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(t[i]), "token element " + i);
        }
    }
}
