package dev.hartstudio.engine.rng;

/**
 * hart-rng-v1, the portable counter-based random numbers of docs/RNG.md.
 *
 * <p>Every draw is a pure function of {@code (seed, purpose, sub, index)}: there is no generator
 * state, so results do not depend on batch order, threads or device, and the Python reference
 * sampler ({@code onnx-export/hart_export/rng.py}) draws the same numbers. All words are unsigned
 * 64-bit values held in a {@code long} (use {@link Long#toUnsignedString(long)} to print them).
 */
public final class PortableRng {

    /** Name written into manifests and traces. */
    public static final String NAME = "hart-rng-v1";

    /** Purpose 1: categorical token draws ({@link #u53}), sub = scale, index = token. */
    public static final int TOKEN = 1;
    /** Purpose 2: Exp(1) draws for Gumbel noise ({@link #exp1}), sub = scale, index = n·V + v. */
    public static final int GUMBEL = 2;
    /** Purpose 3: initial diffusion noise ({@link #normal}), sub = 0, index = n·Cv + c. */
    public static final int DIFF_INIT = 3;
    /** Purpose 4: noise added after diffusion step s ({@link #normal}), sub = s, index = n·Cv + c. */
    public static final int DIFF_STEP = 4;

    /** 2^64 / φ, the SplitMix64 increment. */
    public static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private static final long M1 = 0xBF58476D1CE4E5B9L;
    private static final long M2 = 0x94D049BB133111EBL;
    private static final double TWO_POW_M53 = 0x1.0p-53;
    private static final double TWO_POW_M52 = 0x1.0p-52;

    private PortableRng() {
    }

    /** SplitMix64 finaliser (mod 2^64). */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * M1;
        z = (z ^ (z >>> 27)) * M2;
        return z ^ (z >>> 31);
    }

    /**
     * Stream key of {@code (seed, purpose, sub)}.
     *
     * @param seed non-negative seed below 2^63 (the UI and CLI accept 0 … 2^53 − 1)
     * @throws IllegalArgumentException if {@code seed} is negative
     */
    public static long key(long seed, int purpose, int sub) {
        if (seed < 0) {
            throw new IllegalArgumentException("seed must be in [0, 2^63), got " + seed);
        }
        return mix64(mix64(seed ^ (purpose * GOLDEN)) + (sub + 1L) * GOLDEN);
    }

    /** Word {@code i} (0, 1, 2, …) of the stream {@code key}. */
    public static long word(long key, long i) {
        return mix64(key + (i + 1) * GOLDEN);
    }

    /** Uniform in [0, 1): the top 53 bits of {@code w} times 2^-53 (exact). */
    public static double u53(long w) {
        return (w >>> 11) * TWO_POW_M53;
    }

    /** Uniform in (0, 1): (top 52 bits of {@code w} + 0.5) times 2^-52 (exact). */
    public static double uopen(long w) {
        return ((w >>> 12) + 0.5) * TWO_POW_M52;
    }

    /** Exp(1) draw {@code −ln(uopen(w))}, in (0, ∞). */
    public static double exp1(long w) {
        return -Math.log(uopen(w));
    }

    /**
     * Standard normal number {@code i} of the stream {@code key}: Box-Muller on words {@code 2i}
     * and {@code 2i+1}, computed in float64 and rounded to float32.
     */
    public static float normal(long key, long i) {
        double u1 = uopen(word(key, 2 * i));
        double u2 = uopen(word(key, 2 * i + 1));
        // Same operation order as NumPy's sqrt(-2.0 * log(u1)) * cos(2.0 * pi * u2).
        return (float) (Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2));
    }

    /** The uniform of the categorical draw of token {@code n} at scale {@code k} for {@code seed}. */
    public static double tokenUniform(long seed, int scale, long n) {
        return u53(word(key(seed, TOKEN, scale), n));
    }

    /**
     * Categorical draw by inverse CDF over one row of masked logits (docs/RNG.md): with
     * {@code m = max(z)}, {@code w_v = exp(z_v − m)} and {@code c_v = w_0 + … + w_v} in float64 and
     * index order, returns {@code #{v : c_v ≤ u·c_(V−1)}}, the smallest {@code v} with
     * {@code c_v > u·c_(V−1)}. Masked entries ({@code −∞}) have weight 0 and are never chosen.
     *
     * @param maskedLogits float32 logits, row {@code [offset, offset + V)} is used; masked = −∞
     * @param u uniform in [0, 1), normally {@link #tokenUniform}
     * @return the drawn index in {@code [0, V)}
     * @throws IllegalArgumentException if every entry is masked or a logit is NaN or +∞
     */
    public static int categorical(float[] maskedLogits, int offset, int V, double u) {
        return categorical(maskedLogits, offset, V, u, new double[V]);
    }

    /**
     * {@link #categorical(float[], int, int, double)} with a caller's scratch array of at least
     * {@code V} doubles (the weights are computed once and summed twice, in the same order).
     */
    public static int categorical(float[] maskedLogits, int offset, int V, double u, double[] weights) {
        int[] live = new int[V];
        return categorical(maskedLogits, offset, live, unmasked(maskedLogits, offset, V, live), u, weights);
    }

    /**
     * {@link #categorical(float[], int, int, double)} over the {@code n} unmasked entries listed in
     * {@code live} (ascending, as {@link #unmasked} makes them): masked entries add exactly 0 to
     * every sum, so skipping them gives the same sums, bit for bit, and the same index.
     *
     * @param weights scratch of at least {@code n} doubles
     */
    public static int categorical(float[] maskedLogits, int offset, int[] live, int n, double u, double[] weights) {
        double m = maxUnmasked(maskedLogits, offset, live, n);
        for (int i = 0; i < n; i++) {
            weights[i] = Math.exp((double) maskedLogits[offset + live[i]] - m);
        }
        return inverseCdf(live, n, weights, u);
    }

    /**
     * The largest of the {@code n} listed logits, as float64.
     *
     * @throws IllegalArgumentException if a listed logit is NaN or +∞, or none is listed
     */
    public static double maxUnmasked(float[] maskedLogits, int offset, int[] live, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float z = maskedLogits[offset + live[i]];
            if (Float.isNaN(z) || z == Float.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("logit " + live[i] + " is " + z);
            }
            if (z > m) {                                   // the sign of a zero maximum changes no z − m
                m = z;
            }
        }
        if (m == Double.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("every logit is masked");
        }
        return m;
    }

    /**
     * The inverse-CDF step of {@link #categorical}: given the weights {@code w_i = exp(z − m)} of the
     * listed entries, returns the entry {@code live[i]} of the first {@code i} whose running sum
     * exceeds {@code u} times the total, both sums taken in list order.
     */
    public static int inverseCdf(int[] live, int n, double[] weights, double u) {
        double total = 0.0;
        for (int i = 0; i < n; i++) {
            total += weights[i];
        }
        double threshold = u * total;
        // Second pass repeats the same additions in the same order, so c_v is bit-identical.
        double c = 0.0;
        int lastDrawable = -1;
        for (int i = 0; i < n; i++) {
            double w = weights[i];
            c += w;
            if (w > 0.0) {
                lastDrawable = live[i];
            }
            if (c > threshold) {
                return live[i];
            }
        }
        // Only reachable when u·c rounds up to c (u within 2^-53 of 1): take the last real entry.
        return lastDrawable;
    }

    /**
     * Writes into {@code live} the indices {@code v} (ascending) of row {@code z[o, o+V)} that are
     * not masked ({@code −∞}) and returns how many there are. Branch-free: after top-k the mask
     * pattern is random, and a branch per entry would be mispredicted about every other time.
     */
    public static int unmasked(float[] z, int o, int V, int[] live) {
        int n = 0;
        for (int v = 0; v < V; v++) {
            live[n] = v;
            n += z[o + v] != Float.NEGATIVE_INFINITY ? 1 : 0;
        }
        return n;
    }

    /** Index of the largest of {@code logits[offset … offset+V)}, the first one on ties. */
    public static int argmax(float[] logits, int offset, int V) {
        int best = 0;
        float bestValue = logits[offset];
        for (int v = 1; v < V; v++) {
            if (logits[offset + v] > bestValue) {
                best = v;
                bestValue = logits[offset + v];
            }
        }
        return best;
    }
}
