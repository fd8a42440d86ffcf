package dev.hartstudio.engine.sample;

import dev.hartstudio.bundle.Schedule;
import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.Ort;
import dev.hartstudio.engine.rng.PortableRng;
import java.nio.FloatBuffer;

/**
 * Stage "sampling one scale" on the host (HART-INFERENCE 4.4, 10.1, 10.2): CFG, top-k, top-p, the
 * inverse-CDF token draw with the portable RNG and (with smoothing) the Gumbel soft embedding of
 * every token of a scale. Rows are independent (the RNG is counter-based), so they run on all cores
 * when that helps; each row's arithmetic is exactly the sequential one, so the tokens do not depend
 * on the split. Owns the guided-logits array, reused across scales.
 */
final class TokenSampler {

    /**
     * Whether the row workers help at all: not while ONNX Runtime's shared pool keeps its workers
     * spinning between runs (the default), because then a helper shares its core with a spinning
     * worker and the caller ends up waiting for the helper's last chunk. Measured on 2 cores
     * (alternating runs): HART-tiny outside ONNX Runtime 4.6-5.8 ms per image on the caller alone
     * against 4.2-7.3 with a helper, batch 8 20-24 against 20-22 images/s, mid no different. With
     * per-graph pools that stop spinning after their run (-Dhartstudio.ort.pools=session) the
     * helpers do help.
     */
    private static final boolean HELPERS = !Ort.workersSpinBetweenRuns();
    /** Threads for the host-side sampling of one scale (the caller and, when they help, all cores). */
    private static final RowWorkers ROWS = new RowWorkers(HELPERS ? Ort.threads() : 1);
    /** Below this many tokens a scale is sampled on the calling thread (forking costs more). */
    private static final int PARALLEL_MIN_ROWS = 8;
    private static final ThreadLocal<RowMath.Scratch> SCRATCH = new ThreadLocal<>();

    private final Codebook codebook;
    private final int vocab;
    private final int cv;
    /** CFG-guided logits {@code [B·l, V]} of the scale being sampled; reused across scales. */
    private float[] guided;

    TokenSampler(Codebook codebook, int vocab, int cv) {
        this.codebook = codebook;
        this.vocab = vocab;
        this.cv = cv;
    }

    /** The tokens of one scale {@code idx [B][l]} and their embeddings {@code e [B·l, Cv]} (soft or hard). */
    record ScaleTokens(int[][] idx, float[] e) {
    }

    /** Wakes the row workers for a scale of {@code rows} tokens (they wake while the step's outputs are put away). */
    static void wakeFor(int rows) {
        if (parallel(rows)) {
            ROWS.wake();
        }
    }

    /**
     * Samples scale {@code k} (or takes a branch's kept tokens) from the step's logits.
     *
     * @param logits {@code [2B, tokTotal, V]}; this scale's tokens start at {@code tokOffset}
     */
    ScaleTokens sample(SamplingSettings s, int k, Schedule.Scale sc, FloatBuffer logits, int tokOffset, int tokTotal)
            throws EngineException {
        int batch = s.batch();
        int l = sc.p() * sc.p();
        int[][] forced = s.forcedTokens(k);
        int[][] idx = forced != null ? checked(forced, batch, k, l) : new int[batch][l];
        float[] e = new float[batch * l * cv];
        sampleRows(s, logits, tokOffset, tokTotal, s.guidance(sc), guidedBuffer(batch * l * vocab), idx, e,
                forced != null, k, l, Math.min(s.topK()[k], vocab), sc);
        if (!s.smooth()) {
            codebook.embed(idx, e);
        }
        return new ScaleTokens(idx, e);
    }

    /** A branch's kept tokens of scale {@code k}, checked against the bundle and copied. */
    private int[][] checked(int[][] kept, int batch, int k, int l) throws EngineException {
        int[][] idx = new int[batch][];
        for (int b = 0; b < batch; b++) {
            if (kept[b].length != l) {
                throw new EngineException("Branch tokens of scale " + k + " have " + kept[b].length + " entries, expected "
                        + l + ".");
            }
            idx[b] = kept[b].clone();
            for (int t : idx[b]) {
                if (t < 0 || t >= vocab) {
                    throw new EngineException("Branch token " + t + " at scale " + k
                            + " is not in this model's codebook (0.." + (vocab - 1) + ").");
                }
            }
        }
        return idx;
    }

    /**
     * @param guidance the CFG weight t of this scale
     * @param z {@code [B·l, V]}: the guided logits, masked in place by top-p (top-k alone lists its survivors)
     * @param idx filled unless {@code forced} (branch tokens already in place)
     * @param e soft embeddings {@code [B·l, Cv]}, filled when smoothing
     */
    private void sampleRows(SamplingSettings s, FloatBuffer logits, int tokOffset, int tokTotal, double guidance,
            float[] z, int[][] idx, float[] e, boolean forced, int k, int l, int topK, Schedule.Scale sc) {
        int batch = idx.length;
        int rows = batch * l;
        long[] tokenKeys = new long[batch];
        long[] gumbelKeys = new long[batch];
        for (int b = 0; b < batch; b++) {
            long seed = s.seedFor(b, k);
            tokenKeys[b] = PortableRng.key(seed, PortableRng.TOKEN, k);
            gumbelKeys[b] = PortableRng.key(seed, PortableRng.GUMBEL, k);
        }
        float mult = (float) sc.logitMult();
        double tau = sc.tau();
        boolean greedy = s.greedy();
        boolean smooth = s.smooth();
        double topP = s.topP();
        boolean nucleus = topP > 0 && topP < 1;
        double[] codebookWide = codebook.wide();
        RowWorkers.Rows task = (w, from, to) -> {
            RowMath.Scratch scratch = scratch(vocab, cv);
            int[] order = nucleus ? new int[vocab] : null;
            double[] pWeights = nucleus ? new double[vocab] : null;
            for (int r = from; r < to; r++) {
                int b = r / l;
                int n = r % l;
                int zo = r * vocab;
                RowMath.cfgRow(logits, (b * tokTotal + tokOffset + n) * vocab,
                        ((b + batch) * tokTotal + tokOffset + n) * vocab, vocab, guidance, z, zo, scratch);
                int survivors;
                if (!nucleus) {
                    survivors = RowMath.topKLive(z, zo, vocab, topK, scratch);   // the row stays unmasked
                } else {
                    RowMath.topKRow(z, zo, vocab, topK, scratch);
                    SamplerMath.topPRow(z, zo, vocab, topP, order, pWeights);
                    survivors = RowMath.unmasked(z, zo, vocab, scratch);
                }
                if (!forced) {
                    idx[b][n] = greedy ? PortableRng.argmax(z, zo, vocab)
                            : RowMath.categorical(z, zo, survivors,
                            PortableRng.u53(PortableRng.word(tokenKeys[b], n)), scratch);   // = tokenUniform
                }
                if (smooth) {
                    // masked entries get weight 0 whatever their draw: never drawn (counter-based RNG)
                    RowMath.softEmbed(z, zo, survivors, mult, tau, gumbelKeys[b], (long) n * vocab, greedy,
                            codebookWide, cv, e, r * cv, scratch);
                }
            }
        };
        if (parallel(rows)) {
            ROWS.run(rows, Math.max(1, rows / (8 * ROWS.threads())), task);
        } else {
            task.run(0, 0, rows);
        }
    }

    /** Whether a scale of {@code rows} tokens is sampled on the row workers (else on the calling thread). */
    private static boolean parallel(int rows) {
        return HELPERS && rows >= PARALLEL_MIN_ROWS;
    }

    /** This thread's row-sampler arrays (kept across scales and images: no allocation per row or scale). */
    private static RowMath.Scratch scratch(int vocab, int cv) {
        RowMath.Scratch s = SCRATCH.get();
        if (s == null || !s.fits(vocab, cv)) {
            s = new RowMath.Scratch(vocab, cv);
            SCRATCH.set(s);
        }
        return s;
    }

    private float[] guidedBuffer(int floats) {
        if (guided == null || guided.length < floats) {
            guided = new float[floats];
        }
        return guided;
    }
}
