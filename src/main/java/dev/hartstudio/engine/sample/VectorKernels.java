package dev.hartstudio.engine.sample;

import dev.hartstudio.engine.rng.PortableRng;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The transcendental loops of the sampler on SIMD lanes (JDK Vector API): the Gumbel scores of the
 * soft embedding (counter-based draws, two logarithms each) and the exponential weights of the
 * categorical draw and of the soft embedding. Everything but {@code log}/{@code exp} is the same
 * IEEE arithmetic as the scalar code (SplitMix64 words, exact int-to-float conversions, one
 * division); {@code log}/{@code exp} are the platform's vector functions, within an ulp of
 * {@link Math#log}/{@link Math#exp} like those are of NumPy's (docs/RNG.md, "Numerical note").
 * Sums stay scalar and in index order, where the last bits are decided.
 *
 * <p>Only loaded when the JVM has {@code jdk.incubator.vector} (the launcher, the tests and the
 * installer add it); {@link RowMath} falls back to the scalar loops otherwise.
 */
final class VectorKernels {

    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final double TWO_POW_M52 = 0x1.0p-52;
    private static final long M1 = 0xBF58476D1CE4E5B9L;
    private static final long M2 = 0x94D049BB133111EBL;

    private VectorKernels() {
    }

    /** Lanes per vector (the same for long and double: one vector shape). */
    static int lanes() {
        return D.length();
    }

    /**
     * {@code s_i = (float64(fl32(mult·z_v)) − ln(q_v)) / τ} for {@code v = live[i]}, with
     * {@code q_v = −ln(uopen(word(key, base + v)))} ({@code ln q = 0} when {@code noNoise});
     * returns {@code max_i s_i}. {@code zm} and {@code idx} are scratch of at least {@code n}.
     */
    static double gumbelScores(float[] z, int offset, int[] live, int n, float mult, double tau, long key, long base,
            boolean noNoise, double[] s, double[] zm, long[] idx) {
        int lanes = D.length();
        int bound = n - n % lanes;                              // the rest: RowMath.gumbelScores
        for (int i = 0; i < bound; i++) {
            int v = live[i];
            zm[i] = (double) (mult * z[offset + v]);
            idx[i] = base + v + 1;                                  // word i uses counter (i + 1)·φ
        }
        DoubleVector t = DoubleVector.broadcast(D, tau);
        DoubleVector maxV = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < bound; i += lanes) {
            DoubleVector zv = DoubleVector.fromArray(D, zm, i);
            DoubleVector sv;
            if (noNoise) {
                sv = zv.sub(0.0).div(t);
            } else {
                DoubleVector u = uopen(LongVector.fromArray(L, idx, i), key);
                DoubleVector lnq = u.lanewise(VectorOperators.LOG).neg().lanewise(VectorOperators.LOG);
                sv = zv.sub(lnq).div(t);
            }
            sv.intoArray(s, i);
            maxV = maxV.max(sv);
        }
        double max = bound > 0 ? maxV.reduceLanes(VectorOperators.MAX) : Double.NEGATIVE_INFINITY;
        return RowMath.gumbelScores(z, offset, live, bound, n, mult, tau, key, base, noNoise, s, max);
    }

    /**
     * The value at ascending rank {@code index} of {@code z[o, o+n)}, equal ({@code ==}) to
     * {@link SamplerMath#select}'s, for a row of finite floats; NaN when the row holds a NaN or an
     * infinity (the caller then takes {@link SamplerMath#select}). With {@code c(t) = #{x ≥ t}} and
     * {@code kk = n − index}, the value is {@code min{x : x ≥ t}} for any {@code t} with
     * {@code c(t) = kk}, or, under ties, for the {@code t} where {@code c} steps over {@code kk}: a
     * threshold moves between the row's minimum and maximum by interpolation on the counts (one
     * bisection after a step that did not halve the interval), each count one pass on lanes. About 8
     * passes on a row of 1024 logits, 1.3 against the radix select's 3 µs.
     */
    static float rankValue(float[] z, int o, int n, int index) {
        int lanes = F.length();
        int bound = n - n % lanes;
        FloatVector mn = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
        FloatVector mx = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < bound; i += lanes) {
            FloatVector v = FloatVector.fromArray(F, z, o + i);
            mn = mn.min(v);                                 // a NaN lane makes the result NaN
            mx = mx.max(v);
        }
        float lo = mn.reduceLanes(VectorOperators.MIN);
        float hi = mx.reduceLanes(VectorOperators.MAX);
        for (int i = bound; i < n; i++) {
            lo = Math.min(lo, z[o + i]);
            hi = Math.max(hi, z[o + i]);
        }
        if (Float.isNaN(lo) || Float.isNaN(hi) || Float.isInfinite(lo) || Float.isInfinite(hi)) {
            return Float.NaN;
        }
        int kk = n - index;
        if (kk >= n) {
            return lo;
        }
        int chi = countAtLeast(z, o, n, hi);
        if (chi >= kk) {
            return hi;
        }
        int clo = n;                                        // c(lo) ≥ kk > c(hi) from here on
        boolean interpolate = true;
        while (true) {
            float t = interpolate ? (float) (lo + (hi - (double) lo) * ((clo - kk + 0.5) / (clo - chi))) : 0.5f * lo + 0.5f * hi;
            if (!(t > lo && t < hi)) {
                t = 0.5f * lo + 0.5f * hi;
                if (!(t > lo && t < hi)) {
                    break;                                  // adjacent floats: lo is the value
                }
            }
            float width = hi - lo;
            int c = countAtLeast(z, o, n, t);
            if (c >= kk) {
                lo = t;
                clo = c;
                if (c == kk) {
                    break;
                }
            } else {
                hi = t;
                chi = c;
            }
            interpolate = !interpolate || hi - lo <= 0.5f * width;
        }
        FloatVector least = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
        for (int i = 0; i < bound; i += lanes) {
            FloatVector v = FloatVector.fromArray(F, z, o + i);
            least = least.min(v.blend(Float.POSITIVE_INFINITY, v.compare(VectorOperators.LT, lo)));
        }
        float m = least.reduceLanes(VectorOperators.MIN);
        for (int i = bound; i < n; i++) {
            float x = z[o + i];
            m = x >= lo && x < m ? x : m;
        }
        return m;
    }

    /**
     * {@code #{x ≥ t}} over a row of finite floats: the sign bit of {@code x − t}, which is exact
     * (no finite difference rounds to zero), except that {@code −0 − (+0)} is {@code −0}: a zero
     * threshold is taken as {@code −0}, which every zero is at or above.
     */
    private static int countAtLeast(float[] z, int o, int n, float t) {
        float th = t == 0 ? -0.0f : t;
        int lanes = F.length();
        int bound = n - n % lanes;
        IntVector below = IntVector.zero(I);
        for (int i = 0; i < bound; i += lanes) {
            below = below.add(FloatVector.fromArray(F, z, o + i).sub(th).reinterpretAsInts().lanewise(VectorOperators.LSHR, 31));
        }
        int c = bound - below.reduceLanes(VectorOperators.ADD);
        for (int i = bound; i < n; i++) {
            c += z[o + i] >= th ? 1 : 0;
        }
        return c;
    }

    /** {@code y_i = exp(s_i − max)}, or exactly 0 where {@code s_i − max < −600} (docs/RNG.md). */
    static void cutExp(double[] s, int n, double max, double[] y) {
        int lanes = D.length();
        int bound = n - n % lanes;
        for (int i = 0; i < bound; i += lanes) {
            DoubleVector d = DoubleVector.fromArray(D, s, i).sub(max);
            VectorMask<Double> cut = d.lt(-600.0);
            d.lanewise(VectorOperators.EXP).blend(0.0, cut).intoArray(y, i);
        }
        RowMath.cutExp(s, bound, n, max, y);
    }

    /** {@code w_i = exp(float64(z_v) − m)} for {@code v = live[i]}; {@code zd} is scratch of at least {@code n}. */
    static void expWeights(float[] z, int offset, int[] live, int n, double m, double[] w, double[] zd) {
        for (int i = 0; i < n; i++) {
            zd[i] = z[offset + live[i]];
        }
        int lanes = D.length();
        int bound = n - n % lanes;
        for (int i = 0; i < bound; i += lanes) {
            DoubleVector.fromArray(D, zd, i).sub(m).lanewise(VectorOperators.EXP).intoArray(w, i);
        }
        for (int i = bound; i < n; i++) {
            w[i] = Math.exp(zd[i] - m);
        }
    }

    /**
     * {@code acc[c] = Σ_i y_i · E[live[i], c]} in list order, each product and sum rounded separately
     * (no fused multiply-add), as the scalar loop; {@code cv} is a multiple of {@link #lanes()}. The
     * scalar loop skips {@code y_i = 0}; adding its {@code ±0} products here changes nothing, since a
     * sum that starts at +0 never becomes −0.
     */
    static void accumulate(double[] y, int n, int[] live, double[] codebook, int cv, double[] acc) {
        int lanes = D.length();
        int j = 0;
        // two lane blocks per pass: two independent chains of adds (their latency bounds this loop);
        // each lane still adds its products in list order
        for (; j + 2 * lanes <= cv; j += 2 * lanes) {
            DoubleVector a = DoubleVector.zero(D);
            DoubleVector b = DoubleVector.zero(D);
            for (int i = 0; i < n; i++) {
                int e = live[i] * cv + j;
                double yi = y[i];
                a = a.add(DoubleVector.fromArray(D, codebook, e).mul(yi));
                b = b.add(DoubleVector.fromArray(D, codebook, e + lanes).mul(yi));
            }
            a.intoArray(acc, j);
            b.intoArray(acc, j + lanes);
        }
        for (; j < cv; j += lanes) {
            DoubleVector a = DoubleVector.zero(D);
            for (int i = 0; i < n; i++) {
                a = a.add(DoubleVector.fromArray(D, codebook, live[i] * cv + j).mul(y[i]));
            }
            a.intoArray(acc, j);
        }
    }

    /** {@code y[i] /= sum} for {@code i < n}: the same IEEE division as the scalar loop, on lanes. */
    static void divide(double[] y, int n, double sum) {
        int lanes = D.length();
        int bound = n - n % lanes;
        for (int i = 0; i < bound; i += lanes) {
            DoubleVector.fromArray(D, y, i).div(sum).intoArray(y, i);
        }
        for (int i = bound; i < n; i++) {
            y[i] = y[i] / sum;
        }
    }

    /**
     * {@code out[off + i] = }{@link PortableRng#normal}{@code (key, i)} for {@code i < count}: the
     * same words and uniforms, Box-Muller's {@code log} and {@code cos} on lanes, rounded to float32.
     */
    static void normals(long key, int count, float[] out, int off) {
        int lanes = D.length();
        int bound = count - count % lanes;
        LongVector evens = LongVector.fromArray(L, EVENS, 0);
        double[] g = new double[lanes];
        for (int i = 0; i < bound; i += lanes) {
            LongVector c1 = evens.add(2L * i + 1);          // word 2i has counter (2i + 1)·φ
            DoubleVector u1 = uopen(c1, key);
            DoubleVector u2 = uopen(c1.add(1), key);
            DoubleVector r = u1.lanewise(VectorOperators.LOG).mul(-2.0).lanewise(VectorOperators.SQRT);
            DoubleVector c = DoubleVector.broadcast(D, 2.0 * Math.PI).mul(u2).lanewise(VectorOperators.COS);
            r.mul(c).intoArray(g, 0);
            for (int j = 0; j < lanes; j++) {
                out[off + i + j] = (float) g[j];
            }
        }
        for (int i = bound; i < count; i++) {
            out[off + i] = PortableRng.normal(key, i);
        }
    }

    private static final long[] EVENS = new long[L.length()];

    static {
        for (int j = 0; j < EVENS.length; j++) {
            EVENS[j] = 2L * j;
        }
    }

    /** {@code uopen(mix64(key + c·φ))} per lane (the counter {@code c} is the word index + 1). */
    private static DoubleVector uopen(LongVector counter, long key) {
        LongVector w = counter.mul(PortableRng.GOLDEN).add(key);
        w = w.lanewise(VectorOperators.XOR, w.lanewise(VectorOperators.LSHR, 30)).mul(M1);
        w = w.lanewise(VectorOperators.XOR, w.lanewise(VectorOperators.LSHR, 27)).mul(M2);
        w = w.lanewise(VectorOperators.XOR, w.lanewise(VectorOperators.LSHR, 31));
        return ((DoubleVector) w.lanewise(VectorOperators.LSHR, 12).convert(VectorOperators.L2D, 0))
                .add(0.5).mul(TWO_POW_M52);
    }
}
