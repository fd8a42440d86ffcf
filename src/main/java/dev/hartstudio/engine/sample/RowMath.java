package dev.hartstudio.engine.sample;

import dev.hartstudio.engine.rng.PortableRng;
import java.util.Arrays;

/**
 * The per-token (row) work of sampling one scale, as the engine runs it: CFG, the top-k survivors,
 * the categorical draw, the Gumbel soft embedding and the diffusion noise, with their working
 * arrays ({@link Scratch}) and, where the JVM has the Vector API, the transcendental loops on SIMD
 * lanes ({@link VectorKernels}). The definitions, operation by operation, are docs/RNG.md and
 * {@link SamplerMath}; every function here gives the same tokens as those.
 */
public final class RowMath {

    private RowMath() {
    }

    /** Whether the transcendental loops run on SIMD lanes ({@link VectorKernels}); -Dhartstudio.vector=false: never. */
    public static final boolean VECTOR = vectorAvailable();

    private static boolean vectorAvailable() {
        if (!Boolean.parseBoolean(System.getProperty("hartstudio.vector", "true").trim())
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            return VectorKernels.lanes() > 1;
        } catch (LinkageError | RuntimeException e) {
            return false;                                   // no usable vector support: the scalar loops
        }
    }

    private static final java.util.concurrent.atomic.AtomicBoolean WARMED = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Once per process, on a background thread: runs the row functions on made-up logits until the
     * JIT has compiled them. Until C2 has seen them the SIMD kernels run as plain Java that allocates
     * an object per vector operation, which made the first image about 0.3 s slower; done while a
     * bundle loads (ONNX Runtime builds its sessions on one core), that time is hidden.
     */
    public static void warmUpInBackground() {
        if (!WARMED.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(RowMath::warmUp, "hart-sampler-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    private static void warmUp() {
        int vocab = 1024;
        int cv = 16;
        java.util.Random r = new java.util.Random(0);
        float[] z = new float[vocab];
        double[] codebook = new double[vocab * cv];
        for (int i = 0; i < codebook.length; i++) {
            codebook[i] = r.nextGaussian();
        }
        float[] e = new float[cv];
        float[] noise = new float[1024];
        Scratch sc = new Scratch(vocab, cv);
        for (int row = 0; row < 600; row++) {
            for (int v = 0; v < vocab; v++) {
                z[v] = (float) (r.nextGaussian() * 4);
            }
            int n = topKLive(z, 0, vocab, 600, sc);
            categorical(z, 0, n, 0.5, sc);
            softEmbed(z, 0, n, 1.5f, 0.1, row, 0, false, codebook, cv, e, 0, sc);
            if (row % 8 == 0) {
                normals(row, noise.length, noise, 0);
            }
        }
    }

    /** Per-thread working arrays of the row sampler, sized for one vocabulary and latent width. */
    public static final class Scratch {
        final int[] keys;
        final int[] live;
        final double[] a;
        final double[] b;
        final long[] counters;
        final double[] acc;
        final int[] hist = new int[SamplerMath.HIST];
        final float[] cond;
        final float[] uncond;

        public Scratch(int vocab, int cv) {
            cond = new float[vocab];
            uncond = new float[vocab];
            keys = new int[vocab];
            live = new int[vocab];
            a = new double[vocab];
            b = new double[vocab];
            counters = new long[vocab];
            acc = new double[cv];
        }

        /** Whether these arrays serve a vocabulary of {@code vocab} entries and latent width {@code cv}. */
        public boolean fits(int vocab, int cv) {
            return live.length == vocab && acc.length == cv;
        }

        /** Indices of the unmasked entries, filled by {@link #unmasked}. */
        public int[] live() {
            return live;
        }
    }

    /** {@code out[off + i] = }{@link PortableRng#normal}{@code (key, i)} for {@code i < count} (on SIMD lanes when {@link #VECTOR}). */
    public static void normals(long key, int count, float[] out, int off) {
        if (VECTOR) {
            VectorKernels.normals(key, count, out, off);
        } else {
            for (int i = 0; i < count; i++) {
                out[off + i] = PortableRng.normal(key, i);
            }
        }
    }

    /**
     * The soft embedding's scores {@code s_i = (float64(fl32(mult·z_v)) − ln q_v) / τ} of the listed
     * entries {@code [from, n)}, scalar ({@code ln q = 0} when {@code noNoise}); returns the larger of
     * {@code max} and their maximum. The SIMD kernels use it for the entries after the last full vector.
     */
    static double gumbelScores(float[] z, int offset, int[] live, int from, int n, float mult, double tau, long key,
            long base, boolean noNoise, double[] s, double max) {
        for (int i = from; i < n; i++) {
            int v = live[i];
            double zm = (double) (mult * z[offset + v]);
            double lnq = noNoise ? 0.0 : Math.log(PortableRng.exp1(PortableRng.word(key, base + v)));
            double si = (zm - lnq) / tau;
            s[i] = si;
            if (si > max) {
                max = si;
            }
        }
        return max;
    }

    /** {@code y_i = exp(s_i − max)} for {@code i} in {@code [from, n)}, exactly 0 where {@code s_i − max < −600} (docs/RNG.md). */
    static void cutExp(double[] s, int from, int n, double max, double[] y) {
        for (int i = from; i < n; i++) {
            double d = s[i] - max;
            y[i] = d < -600 ? 0.0 : Math.exp(d);          // the defined cut: no subnormal weights
        }
    }

    /** {@link PortableRng#unmasked} into the scratch's list; returns the count. */
    public static int unmasked(float[] z, int o, int vocab, Scratch sc) {
        return PortableRng.unmasked(z, o, vocab, sc.live);
    }

    /**
     * {@link PortableRng#categorical(float[], int, int[], int, double, double[])} over the scratch's
     * list of {@code n} unmasked entries, the weights on SIMD lanes when {@link #VECTOR}.
     */
    public static int categorical(float[] z, int offset, int n, double u, Scratch sc) {
        if (!VECTOR) {
            return PortableRng.categorical(z, offset, sc.live, n, u, sc.a);
        }
        double m = PortableRng.maxUnmasked(z, offset, sc.live, n);
        VectorKernels.expWeights(z, offset, sc.live, n, m, sc.a, sc.b);
        return PortableRng.inverseCdf(sc.live, n, sc.a, u);
    }

    /**
     * Gumbel soft embedding of one token: {@code y = softmax((mult·z + G)/τ)} in float64 with
     * {@code G = −ln(q)} and {@code q = }{@link PortableRng#exp1} of word {@code drawBase + v} of the
     * stream {@code gumbelKey} (no noise, {@code G = 0}, when {@code noNoise}), then {@code e = y · E}
     * rounded to float32. Only the {@code n} unmasked entries of the scratch's list are visited (a
     * masked entry's weight is exactly 0 and adds exactly 0 to every sum), in index order.
     *
     * @param z masked CFG logits, row at {@code offset}
     * @param codebook {@code [V, Cv]} widened to float64 once (the same values as the float32 codebook)
     * @param out {@code [Cv]} written at {@code outOffset}
     */
    public static void softEmbed(float[] z, int offset, int n, float mult, double tau, long gumbelKey,
            long drawBase, boolean noNoise, double[] codebook, int cv, float[] out, int outOffset, Scratch sc) {
        int[] live = sc.live;
        double[] s = sc.a;
        double max;
        if (VECTOR) {
            max = VectorKernels.gumbelScores(z, offset, live, n, mult, tau, gumbelKey, drawBase, noNoise, s, sc.b,
                    sc.counters);
            VectorKernels.cutExp(s, n, max, s);
        } else {
            max = gumbelScores(z, offset, live, 0, n, mult, tau, gumbelKey, drawBase, noNoise, s, Double.NEGATIVE_INFINITY);
            cutExp(s, 0, n, max, s);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += s[i];
        }
        double[] acc = sc.acc;
        if (VECTOR && cv % VectorKernels.lanes() == 0) {
            VectorKernels.divide(s, n, sum);
            VectorKernels.accumulate(s, n, live, codebook, cv, acc);
        } else {
            accumulate(s, n, sum, live, codebook, cv, acc);
        }
        for (int c = 0; c < cv; c++) {
            out[outOffset + c] = (float) acc[c];
        }
    }

    private static void accumulate(double[] s, int n, double sum, int[] live, double[] codebook, int cv, double[] acc) {
        Arrays.fill(acc, 0, cv, 0.0);
        for (int i = 0; i < n; i++) {
            double y = s[i] / sum;
            if (y == 0) {
                continue;
            }
            int eo = live[i] * cv;      // index order over v, as the reference's y @ E (it decides the last bits)
            for (int c = 0; c < cv; c++) {
                acc[c] += y * codebook[eo + c];
            }
        }
    }

    /**
     * CFG on the logits of one token, float32: {@code z = (1+t)·cond − t·uncond}, the conditional
     * row at {@code condAt} and the unconditional one at {@code uncondAt} of {@code logits} (ONNX
     * Runtime's output; absolute reads, so threads may share it), written to {@code z} at {@code zo}.
     */
    public static void cfgRow(java.nio.FloatBuffer logits, int condAt, int uncondAt, int vocab, double t, float[] z,
            int zo, Scratch sc) {
        float a = (float) (1 + t);
        float b = (float) t;
        float[] cond = sc.cond;
        float[] uncond = sc.uncond;
        logits.get(condAt, cond, 0, vocab);
        logits.get(uncondAt, uncond, 0, vocab);
        for (int v = 0; v < vocab; v++) {
            z[zo + v] = a * cond[v] - b * uncond[v];
        }
    }

    /** {@link SamplerMath#topKRow(float[], int, int, int, int[])} with the scratch's key array. */
    public static void topKRow(float[] z, int o, int vocab, int k, Scratch sc) {
        if (k <= 0 || k >= vocab) {
            return;
        }
        SamplerMath.maskBelow(z, o, vocab, kth(z, o, vocab, k, sc));
    }

    /**
     * The k-th largest of row {@code z[o, o+V)} ({@code 0 < k < V}), as {@link SamplerMath#select}
     * gives it; by counting on SIMD lanes when {@link #VECTOR} and the row is finite.
     */
    static float kth(float[] z, int o, int vocab, int k, Scratch sc) {
        if (VECTOR) {
            float v = VectorKernels.rankValue(z, o, vocab, vocab - k);
            if (!Float.isNaN(v)) {
                return v;
            }
        }
        return SamplerMath.select(z, o, vocab, vocab - k, sc.keys, sc.hist);
    }

    /**
     * Top-k of row {@code z[o, o+V)} without masking it: lists in the scratch, ascending, the entries
     * that {@link SamplerMath#topKRow} would keep and {@link PortableRng#unmasked} would list after it (not below
     * the k-th largest, not −∞; every entry but −∞ when {@code k ≤ 0} or {@code k ≥ V}) and returns
     * how many. What reads the row afterwards reads only the listed entries.
     */
    public static int topKLive(float[] z, int o, int vocab, int k, Scratch sc) {
        float kth = k <= 0 || k >= vocab ? Float.NEGATIVE_INFINITY : kth(z, o, vocab, k, sc);
        int[] live = sc.live;
        int n = 0;
        for (int v = 0; v < vocab; v++) {
            float x = z[o + v];
            live[n] = v;
            boolean keep = !(x < kth) & x != Float.NEGATIVE_INFINITY;   // NaN is kept (and refused later)
            n += keep ? 1 : 0;                                          // branch-free: the pattern is random
        }
        return n;
    }
}
