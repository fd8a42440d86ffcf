package dev.hartstudio.engine.sample;

import dev.hartstudio.engine.rng.PortableRng;
import java.util.Arrays;

/**
 * The host-side arithmetic of HART sampling, mirroring {@code onnx-export/hart_export/sample.py}
 * and {@code schedule.py} operation by operation (float32 where the reference uses float32,
 * float64 where it uses float64), so that Java and the Python reference draw the same tokens.
 */
public final class SamplerMath {

    private SamplerMath() {
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

    /** Entries strictly below the k-th largest of each row become −∞ (ties survive); k ≤ 0 or ≥ V: none. */
    public static void topK(float[] z, int rows, int vocab, int k) {
        int[] tmp = new int[vocab];
        for (int r = 0; r < rows; r++) {
            topKRow(z, r * vocab, vocab, k, tmp);
        }
    }

    /** {@link #topKRow(float[], int, int, int, int[])} with the scratch's key array. */
    public static void topKRow(float[] z, int o, int vocab, int k, Scratch sc) {
        if (k <= 0 || k >= vocab) {
            return;
        }
        maskBelow(z, o, vocab, select(z, o, vocab, vocab - k, sc.keys, sc.hist));
    }

    /** {@link #topK} of the one row at {@code o}; {@code tmp} holds at least {@code vocab} ints. */
    public static void topKRow(float[] z, int o, int vocab, int k, int[] tmp) {
        if (k <= 0 || k >= vocab) {
            return;
        }
        maskBelow(z, o, vocab, select(z, o, vocab, vocab - k, tmp));
    }

    private static void maskBelow(float[] z, int o, int vocab, float kth) {
        for (int v = 0; v < vocab; v++) {
            float x = z[o + v];
            z[o + v] = x < kth ? Float.NEGATIVE_INFINITY : x;      // branch-free: the pattern is random
        }
    }

    /** The value that would stand at {@code index} if {@code a} were sorted ascending. NaN-free input. */
    static float select(float[] a, int index) {
        return select(a, 0, a.length, index, new int[a.length]);
    }

    /**
     * The value at ascending rank {@code index} of {@code z[o, o+n)} (NaN-free; the row is not
     * changed): a radix select over order-preserving integer keys of the floats, 11, 11 and 10 bits
     * from the top; each pass keeps only the keys of the bucket that holds the rank. {@code keys}
     * holds at least {@code n} ints.
     */
    static float select(float[] z, int o, int n, int index, int[] keys) {
        return select(z, o, n, index, keys, new int[HIST]);
    }

    private static final int HIST = 1 << 11;
    private static final int[] SHIFTS = {21, 10, 0};
    private static final int[] MASKS = {(1 << 11) - 1, (1 << 11) - 1, (1 << 10) - 1};

    /** {@link #select(float[], int, int, int, int[])} with a caller's histogram of {@link #HIST} ints. */
    static float select(float[] z, int o, int n, int index, int[] keys, int[] hist) {
        Arrays.fill(hist, 0);
        for (int i = 0; i < n; i++) {                      // keys and the first histogram in one pass
            int key = orderKey(z[o + i]);
            keys[i] = key;
            hist[key >>> SHIFTS[0]]++;
        }
        int len = n;
        for (int pass = 0; ; pass++) {
            int shift = SHIFTS[pass];
            int mask = MASKS[pass];
            int bucket = 0;
            while (index >= hist[bucket]) {
                index -= hist[bucket];
                bucket++;
            }
            if (hist[bucket] != len) {                     // else every key shares these bits
                int j = 0;
                for (int i = 0; i < len; i++) {            // in place: j never passes i
                    int key = keys[i];
                    if (((key >>> shift) & mask) == bucket) {
                        keys[j++] = key;
                    }
                }
                len = j;
            }
            if (pass == SHIFTS.length - 1 || len == 1) {
                break;
            }
            int nextShift = SHIFTS[pass + 1];
            int nextMask = MASKS[pass + 1];
            Arrays.fill(hist, 0, nextMask + 1, 0);
            for (int i = 0; i < len; i++) {
                hist[(keys[i] >>> nextShift) & nextMask]++;
            }
        }
        return fromOrderKey(keys[index]);
    }

    /**
     * Top-k of row {@code z[o, o+V)} without masking it: lists in the scratch, ascending, the entries
     * that {@link #topKRow} would keep and {@link PortableRng#unmasked} would list after it (not below
     * the k-th largest, not −∞; every entry but −∞ when {@code k ≤ 0} or {@code k ≥ V}) and returns
     * how many. What reads the row afterwards reads only the listed entries.
     */
    public static int topKLive(float[] z, int o, int vocab, int k, Scratch sc) {
        float kth = k <= 0 || k >= vocab ? Float.NEGATIVE_INFINITY : select(z, o, vocab, vocab - k, sc.keys, sc.hist);
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

    /** An int whose unsigned order is the float's order (−0 just below +0). */
    private static int orderKey(float f) {
        int bits = Float.floatToRawIntBits(f);
        return bits ^ ((bits >> 31) | 0x80000000);        // negative: ~bits; otherwise: bits | sign bit
    }

    private static float fromOrderKey(int key) {
        return Float.intBitsToFloat(key < 0 ? key & 0x7FFFFFFF : ~key);
    }

    /**
     * Nucleus filter: sort ascending (stable), softmax in float64, cumulative sum; entries whose
     * cumulative probability is ≤ 1 − p are removed, never the largest.
     */
    public static void topP(float[] z, int rows, int vocab, double p) {
        if (!(p > 0 && p < 1)) {
            return;
        }
        int[] order = new int[vocab];
        double[] e = new double[vocab];
        for (int r = 0; r < rows; r++) {
            topPRow(z, r * vocab, vocab, p, order, e);
        }
    }

    /**
     * {@link #topP} of the one row at {@code o}; {@code order} and {@code e} hold at least
     * {@code vocab} entries (unused, and may be null, when p is not in (0, 1)).
     */
    public static void topPRow(float[] z, int o, int vocab, double p, int[] order, double[] e) {
        if (!(p > 0 && p < 1)) {
            return;
        }
        stableOrder(z, o, vocab, order);
        double max = z[o + order[vocab - 1]];
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            e[i] = Math.exp((double) z[o + order[i]] - max);
            sum += e[i];
        }
        double c = 0;
        for (int i = 0; i < vocab - 1; i++) {
            c += e[i] / sum;
            if (c <= 1.0 - p) {
                z[o + order[i]] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /**
     * Indices of row {@code z[o, o+V)} sorted ascending by value, equal values in index order (a
     * stable sort): packs (order-preserving value bits, index) into longs and sorts those.
     */
    static void stableOrder(float[] z, int o, int vocab, int[] order) {
        long[] keys = new long[vocab];
        for (int v = 0; v < vocab; v++) {
            int bits = Float.floatToIntBits(z[o + v]);
            int key = bits < 0 ? ~bits : bits | 0x80000000;           // monotone in the float's value
            keys[v] = ((long) (key ^ 0x80000000) << 32) | v;          // signed compare = unsigned key order
        }
        Arrays.sort(keys);
        for (int i = 0; i < vocab; i++) {
            order[i] = (int) keys[i];
        }
    }

    /** Whether the transcendental loops run on SIMD lanes ({@link VectorKernels}); -Dhartstudio.vector=false: never. */
    public static final boolean VECTOR = vectorAvailable();

    private static boolean vectorAvailable() {
        if (!Boolean.parseBoolean(System.getProperty("hartstudio.vector", "true"))
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
        Thread t = new Thread(SamplerMath::warmUp, "hart-sampler-warm-up");
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
        final int[] hist = new int[HIST];
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
            max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                int v = live[i];
                double zm = (double) (mult * z[offset + v]);
                double lnq = noNoise ? 0.0 : Math.log(PortableRng.exp1(PortableRng.word(gumbelKey, drawBase + v)));
                double si = (zm - lnq) / tau;
                s[i] = si;
                if (si > max) {
                    max = si;
                }
            }
            for (int i = 0; i < n; i++) {
                double d = s[i] - max;
                s[i] = d < -600 ? 0.0 : Math.exp(d);      // the defined cut (docs/RNG.md): no subnormal weights
            }
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += s[i];
        }
        double[] acc = sc.acc;
        if (VECTOR && cv % VectorKernels.lanes() == 0) {
            for (int i = 0; i < n; i++) {
                s[i] = s[i] / sum;
            }
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
     * Area resize of the latent to p x p as tokens: {@code D f Dᵀ} per channel in float64.
     *
     * @param fhat {@code [B, Cv, P, P]}
     * @param down {@code [p, P]} row-major float64
     * @return {@code [B, p·p, Cv]} float32
     */
    public static float[] area(float[] fhat, int batch, int cv, int big, double[] down, int p) {
        float[] out = new float[batch * p * p * cv];
        double[] rowPass = new double[p * big];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < cv; c++) {
                int fo = (b * cv + c) * big * big;
                Arrays.fill(rowPass, 0);
                for (int i = 0; i < p; i++) {
                    for (int pp = 0; pp < big; pp++) {
                        double d = down[i * big + pp];
                        if (d == 0) {
                            continue;
                        }
                        for (int q = 0; q < big; q++) {
                            rowPass[i * big + q] += d * fhat[fo + pp * big + q];
                        }
                    }
                }
                for (int i = 0; i < p; i++) {
                    for (int j = 0; j < p; j++) {
                        double s = 0;
                        for (int q = 0; q < big; q++) {
                            s += rowPass[i * big + q] * down[j * big + q];
                        }
                        out[((b * p * p) + i * p + j) * cv + c] = (float) s;
                    }
                }
            }
        }
        return out;
    }

    /** Tokens {@code [B, l, Cv]} to a map {@code [B, Cv, p, p]} (token n = cell (n / p, n % p)). */
    public static float[] tokensToMap(float[] e, int batch, int p, int cv) {
        int l = p * p;
        float[] h = new float[batch * cv * l];
        for (int b = 0; b < batch; b++) {
            for (int n = 0; n < l; n++) {
                for (int c = 0; c < cv; c++) {
                    h[(b * cv + c) * l + n] = e[(b * l + n) * cv + c];
                }
            }
        }
        return h;
    }

    /** 1D RoPE tables {@code [rows, T, d]} for text positions; angle = fl32(pos · ω), cos/sin via float64. */
    public static float[][] rope1d(long[] pos, int rows, int slots, float[] inv1) {
        int half = inv1.length;
        int d = 2 * half;
        float[] cos = new float[rows * slots * d];
        float[] sin = new float[rows * slots * d];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < slots; t++) {
                float p = (float) pos[r * slots + t];
                int o = (r * slots + t) * d;
                for (int m = 0; m < d; m++) {
                    float a = p * inv1[m % half];
                    cos[o + m] = (float) Math.cos(a);
                    sin[o + m] = (float) Math.sin(a);
                }
            }
        }
        return new float[][] {cos, sin};
    }

    /** Coordinate of grid index i of a p-map on the finest grid: fl32(fl32(i / p) · P). */
    public static float coord(int i, int p, int big) {
        return ((float) i / (float) p) * (float) big;
    }

    /**
     * 2D RoPE tables {@code [rows, p·p, d]}: row angles in the first half of each head, column angles
     * in the second (each half repeats its d/4 frequencies twice), coordinates offset per row.
     */
    public static float[][] rope2d(int p, int big, long[] offsets, float[] inv2) {
        int q = inv2.length;
        int d = 4 * q;
        int rows = offsets.length;
        int l = p * p;
        float[] cos = new float[rows * l * d];
        float[] sin = new float[rows * l * d];
        // a row's angles take p·q distinct values (one per grid coordinate and frequency): each
        // cos/sin is computed once and copied where it repeats
        float[] ct = new float[p * q];
        float[] st = new float[p * q];
        for (int r = 0; r < rows; r++) {
            float off = (float) offsets[r];
            for (int i = 0; i < p; i++) {
                float cf = coord(i, p, big) + off;
                for (int j = 0; j < q; j++) {
                    float a = cf * inv2[j];
                    ct[i * q + j] = (float) Math.cos(a);
                    st[i * q + j] = (float) Math.sin(a);
                }
            }
            for (int n = 0; n < l; n++) {
                int rowBase = (n / p) * q;
                int colBase = (n % p) * q;
                int o = (r * l + n) * d;
                for (int m = 0; m < d; m++) {
                    int t = (m < 2 * q ? rowBase : colBase) + m % q;
                    cos[o + m] = ct[t];
                    sin[o + m] = st[t];
                }
            }
        }
        return new float[][] {cos, sin};
    }
}
