package dev.hartstudio.engine.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.engine.rng.PortableRng;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The sampler's fast paths against the plain definitions they replace: the unmasked top-k list,
 * the list-based categorical draw, the SIMD soft embedding and normals, the shared RoPE values and
 * the row workers.
 */
class SamplerKernelsTest {

    private static final int V = 512;
    private static final int CV = 16;

    @Test
    void theTestJvmRunsTheSimdKernelsAsTheLauncherDoes() {
        // surefire starts the JVM with --add-modules jdk.incubator.vector, so every parity test below
        // and in GoldenParityTest / HartTinyParityTest checks the SIMD path
        assertTrue(RowMath.VECTOR);
    }

    @Test
    void topKLiveListsExactlyWhatMaskingThenUnmaskedKeeps() {
        Random r = new Random(3);
        RowMath.Scratch sc = new RowMath.Scratch(V, CV);
        int[] expected = new int[V];
        for (int trial = 0; trial < 300; trial++) {
            float[] z = row(r, trial);
            int k = new int[] {0, 1, 7, V / 2, 600 % V, V - 1, V, V + 5}[trial % 8];
            float[] masked = z.clone();
            SamplerMath.topKRow(masked, 0, V, k, new int[V]);
            int n = PortableRng.unmasked(masked, 0, V, expected);
            float[] untouched = z.clone();
            int m = RowMath.topKLive(untouched, 0, V, k, sc);
            assertEquals(n, m, "trial " + trial);
            assertArrayEquals(Arrays.copyOf(expected, n), Arrays.copyOf(sc.live(), m), "trial " + trial);
            assertArrayEquals(z, untouched, "the row is left as it was");
        }
    }

    @Test
    void countedRankValueEqualsTheRadixSelectOnEveryKindOfFiniteRow() {
        Random r = new Random(8);
        for (int trial = 0; trial < 4000; trial++) {
            int n = new int[] {1, 7, 16, 1000, 1024, V}[trial % 6];
            float[] z = new float[n];
            int kind = trial % 7;
            for (int v = 0; v < n; v++) {
                z[v] = switch (kind) {
                    case 0 -> (float) (r.nextGaussian() * 4);
                    case 1 -> r.nextInt(3) - 1;                                          // heavy ties
                    case 2 -> r.nextBoolean() ? 0.0f : -0.0f;                            // signed zeros only
                    case 3 -> (float) (r.nextGaussian() * Float.MIN_NORMAL);            // subnormals
                    case 4 -> (r.nextBoolean() ? 1 : -1) * Float.MAX_VALUE * r.nextFloat(); // x − t overflows
                    case 5 -> 2.5f;                                                     // one value
                    default -> r.nextInt(8) == 0 ? (r.nextBoolean() ? 0.0f : -0.0f) : (float) r.nextGaussian();
                };
            }
            int index = r.nextInt(n);
            float want = SamplerMath.select(z, 0, n, index, new int[n]);
            float got = VectorKernels.rankValue(z, 0, n, index);
            assertTrue(got == want, "trial " + trial + " kind " + kind + " n " + n + " index " + index + ": " + got + " vs " + want);
        }
        float[] nan = {1f, Float.NaN, 0f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f};
        assertTrue(Float.isNaN(VectorKernels.rankValue(nan, 0, nan.length, 3)), "NaN row: the caller's fallback");
        float[] inf = new float[33];
        inf[20] = Float.NEGATIVE_INFINITY;
        assertTrue(Float.isNaN(VectorKernels.rankValue(inf, 0, inf.length, 3)), "masked row: the caller's fallback");
    }

    @Test
    void listBasedCategoricalDrawsWhatTheFullRowDrawDraws() {
        Random r = new Random(4);
        RowMath.Scratch sc = new RowMath.Scratch(V, CV);
        for (int trial = 0; trial < 3000; trial++) {
            float[] z = row(r, trial);
            SamplerMath.topKRow(z, 0, V, 1 + r.nextInt(V), new int[V]);
            double u = PortableRng.tokenUniform(trial, 2, trial);
            int n = RowMath.unmasked(z, 0, V, sc);
            assertEquals(PortableRng.categorical(z, 0, V, u), RowMath.categorical(z, 0, n, u, sc), "trial " + trial);
        }
    }

    @Test
    void categoricalStillRefusesNaNAndAllMaskedRows() {
        RowMath.Scratch sc = new RowMath.Scratch(4, CV);
        float[] nan = {1f, Float.NaN, 0f, 2f};
        int n = RowMath.topKLive(nan, 0, 4, 3, sc);
        assertThrows(IllegalArgumentException.class, () -> RowMath.categorical(nan, 0, n, 0.5, sc));
        float[] masked = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        int none = RowMath.unmasked(masked, 0, 4, sc);
        assertThrows(IllegalArgumentException.class, () -> RowMath.categorical(masked, 0, none, 0.5, sc));
    }

    @Test
    void softEmbeddingEqualsTheDefinitionRoundedToFloat32() {
        Random r = new Random(5);
        double[] codebook = new double[V * CV];
        for (int i = 0; i < codebook.length; i++) {
            codebook[i] = (float) r.nextGaussian();
        }
        RowMath.Scratch sc = new RowMath.Scratch(V, CV);
        float[] fast = new float[CV];
        int rows = 2000;
        int differing = 0;
        for (int trial = 0; trial < rows; trial++) {
            float[] z = row(r, trial);
            SamplerMath.topKRow(z, 0, V, 1 + r.nextInt(V), new int[V]);
            double tau = new double[] {0.27, 0.1, 0.05625, 1.0}[trial % 4];
            long key = PortableRng.key(trial, PortableRng.GUMBEL, trial % 7);
            boolean noNoise = trial % 10 == 9;
            int n = RowMath.unmasked(z, 0, V, sc);
            RowMath.softEmbed(z, 0, n, 1.5f, tau, key, 17L * V, noNoise, codebook, CV, fast, 0, sc);
            float[] slow = definition(z, 1.5f, tau, key, 17L * V, noNoise, codebook);
            for (int c = 0; c < CV; c++) {
                if (fast[c] != slow[c]) {
                    differing++;
                    // the vector exp/log may differ from Math's in the last bit of a float64 weight: at
                    // most one float32 step in the embedding, and that rarely (docs/RNG.md)
                    assertEquals(slow[c], fast[c], Math.ulp(slow[c]), "trial " + trial + " channel " + c);
                }
            }
        }
        assertTrue(differing <= rows * CV / 1000, differing + " of " + rows * CV + " values differ");
    }

    @Test
    void normalsEqualThePortableNormals() {
        float[] out = new float[1003];
        int differing = 0;
        for (long seed = 0; seed < 20; seed++) {
            long key = PortableRng.key(seed, PortableRng.DIFF_STEP, 3);
            RowMath.normals(key, out.length, out, 0);
            for (int i = 0; i < out.length; i++) {
                float expected = PortableRng.normal(key, i);
                if (out[i] != expected) {
                    differing++;
                    assertEquals(expected, out[i], Math.ulp(expected), "seed " + seed + " index " + i);
                }
            }
        }
        assertTrue(differing <= 20, differing + " of " + 20 * out.length + " normals differ");
    }

    @Test
    void rope2dEqualsTheAngleByAngleDefinition() {
        float[] inv2 = {1f, 0.31622776f, 0.1f, 0.031622775f};
        for (int p : new int[] {1, 2, 3, 5, 8, 16}) {
            long[] offsets = {0, 7, 23};
            float[][] fast = SamplerMath.rope2d(p, 16, offsets, inv2);
            int q = inv2.length;
            int d = 4 * q;
            for (int r = 0; r < offsets.length; r++) {
                for (int n = 0; n < p * p; n++) {
                    float rowC = SamplerMath.coord(n / p, p, 16) + offsets[r];
                    float colC = SamplerMath.coord(n % p, p, 16) + offsets[r];
                    for (int m = 0; m < d; m++) {
                        float a = (m < 2 * q ? rowC : colC) * inv2[m % q];
                        int o = (r * p * p + n) * d + m;
                        assertEquals((float) Math.cos(a), fast[0][o]);
                        assertEquals((float) Math.sin(a), fast[1][o]);
                    }
                }
            }
        }
    }

    @Test
    void rowWorkersRunEveryRowOnceWhateverTheSizes() {
        RowWorkers workers = new RowWorkers(3);
        for (int rows : new int[] {1, 2, 7, 64, 255, 1000}) {
            for (int chunk : new int[] {1, 3, 16, 5000}) {
                AtomicIntegerArray seen = new AtomicIntegerArray(rows);
                workers.run(rows, chunk, (w, from, to) -> {
                    for (int i = from; i < to; i++) {
                        seen.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < rows; i++) {
                    assertEquals(1, seen.get(i), rows + " rows, chunk " + chunk + ", row " + i);
                }
            }
        }
    }

    @Test
    void aFailingRowFailsTheJobAndTheWorkersStayUsable() {
        RowWorkers workers = new RowWorkers(2);
        IllegalStateException boom = new IllegalStateException("row 40");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> workers.run(100, 4, (w, from, to) -> {
            if (from <= 40 && 40 < to) {
                throw boom;
            }
        }));
        assertSame(boom, thrown);
        AtomicIntegerArray seen = new AtomicIntegerArray(50);
        workers.run(50, 2, (w, from, to) -> {
            for (int i = from; i < to; i++) {
                seen.incrementAndGet(i);
            }
        });
        for (int i = 0; i < 50; i++) {
            assertEquals(1, seen.get(i));
        }
    }

    /** Logits with ties, large spreads and masked entries, as guided logits can have. */
    private static float[] row(Random r, int trial) {
        float[] z = new float[V];
        double spread = new double[] {1, 5, 30, 200}[trial % 4];
        for (int v = 0; v < V; v++) {
            z[v] = trial % 5 == 0 ? r.nextInt(4) : (float) (r.nextGaussian() * spread);
        }
        if (trial % 6 == 0) {
            for (int i = 0; i < V / 8; i++) {
                z[r.nextInt(V)] = Float.NEGATIVE_INFINITY;
            }
        }
        return z;
    }

    /**
     * The soft embedding as docs/RNG.md defines it, entry by entry over the whole row with
     * {@link Math#log}/{@link Math#exp}: the loops the engine had before its SIMD kernels.
     */
    private static float[] definition(float[] z, float mult, double tau, long key, long base, boolean noNoise,
            double[] codebook) {
        double[] s = new double[V];
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < V; v++) {
            if (z[v] == Float.NEGATIVE_INFINITY) {
                s[v] = Double.NEGATIVE_INFINITY;
                continue;
            }
            double q = noNoise ? 1.0 : PortableRng.exp1(PortableRng.word(key, base + v));
            s[v] = ((double) (mult * z[v]) - Math.log(q)) / tau;
            max = Math.max(max, s[v]);
        }
        double sum = 0;
        for (int v = 0; v < V; v++) {
            double d = s[v] - max;
            s[v] = d < -600 ? 0.0 : Math.exp(d);
            sum += s[v];
        }
        double[] acc = new double[CV];
        for (int v = 0; v < V; v++) {
            double y = s[v] / sum;
            for (int c = 0; c < CV; c++) {
                acc[c] += y * codebook[v * CV + c];
            }
        }
        float[] out = new float[CV];
        for (int c = 0; c < CV; c++) {
            out[c] = (float) acc[c];
        }
        return out;
    }
}
