package dev.hartstudio.engine.sample;

import java.util.Arrays;

/**
 * The host-side arithmetic of HART sampling, mirroring {@code onnx-export/hart_export/sample.py}
 * and {@code schedule.py} operation by operation (float32 where the reference uses float32,
 * float64 where it uses float64), so that Java and the Python reference draw the same tokens.
 */
public final class SamplerMath {

    private SamplerMath() {
    }

    /** Entries strictly below the k-th largest of each row become −∞ (ties survive); k ≤ 0 or ≥ V: none. */
    public static void topK(float[] z, int rows, int vocab, int k) {
        int[] tmp = new int[vocab];
        for (int r = 0; r < rows; r++) {
            topKRow(z, r * vocab, vocab, k, tmp);
        }
    }

    /** {@link #topK} of the one row at {@code o}; {@code tmp} holds at least {@code vocab} ints. */
    public static void topKRow(float[] z, int o, int vocab, int k, int[] tmp) {
        if (k <= 0 || k >= vocab) {
            return;
        }
        maskBelow(z, o, vocab, select(z, o, vocab, vocab - k, tmp));
    }

    static void maskBelow(float[] z, int o, int vocab, float kth) {
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

    static final int HIST = 1 << 11;
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
