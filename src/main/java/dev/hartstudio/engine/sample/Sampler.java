package dev.hartstudio.engine.sample;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.hartstudio.bundle.Bundle;
import dev.hartstudio.bundle.GraphRole;
import dev.hartstudio.bundle.ModelConfig;
import dev.hartstudio.bundle.Schedule;
import dev.hartstudio.bundle.TensorSpec;
import dev.hartstudio.engine.BundleGraphs;
import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.Ort;
import dev.hartstudio.engine.OrtGraph;
import dev.hartstudio.engine.TextEncoder;
import dev.hartstudio.engine.TokenizedPrompts;
import dev.hartstudio.engine.generate.Branch;
import dev.hartstudio.engine.generate.DeferredImages;
import dev.hartstudio.engine.generate.GenerationControl;
import dev.hartstudio.engine.generate.GenerationEvent;
import dev.hartstudio.engine.generate.GenerationListener;
import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.engine.generate.GenerationResult;
import dev.hartstudio.engine.generate.PreviewMode;
import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.engine.generate.Timings;
import dev.hartstudio.engine.rng.PortableRng;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * HART text-to-image generation around a bundle's graphs (HART-INFERENCE 2.4-6; the Python mirror
 * is {@code hart_export/sample.py}). Loops, CFG, top-k/top-p, random draws, soft embeddings, the
 * area resize and the diffusion sampler run here; every network runs in ONNX Runtime.
 */
public final class Sampler {

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
    private static final java.util.Set<String> LAST_STEP_OUTPUTS = java.util.Set.of("hidden");

    private final Bundle bundle;
    private final BundleGraphs graphs;
    private final TextEncoder text;
    private final ModelConfig model;
    private final Schedule schedule;
    private final float[] codebook;
    /** The codebook widened to float64 once, for the soft embedding's float64 products. */
    private final double[] codebookWide;
    private final float[] preview;
    private long insideOrt;
    private float[] lastPlanar;
    /** The step graph's logits {@code [2B, l, V]}, written there by ONNX Runtime; grows, never shrinks. */
    private ByteBuffer logitsStore;
    /** CFG-guided logits {@code [B·l, V]} of the scale being sampled; reused across scales. */
    private float[] guided;
    private FloatBuffer embedStore;
    /** Reused direct buffers for the other graph inputs and pinned outputs of the generation loop. */
    private final DirectStores stores = new DirectStores();
    /**
     * The step graph's cache inputs and outputs: {@code past_k_i}/{@code past_v_i} per block, or
     * {@code past_k}/{@code past_v} for a bundle with the older stacked cache ({@code [NL, ...]});
     * k and v alternate.
     */
    private final List<String> cacheIn;
    private final List<String> cacheOut;
    private final boolean stackedCache;
    /** The step outputs asked for before the last scale: hidden and the present cache. */
    private final java.util.Set<String> stepOutputs;
    /**
     * The unconditional rows' first step, which no prompt changes (their context is the empty one,
     * their positions 0): per block the present k and v of one row, {@code [H, T, d]} each (k and v
     * alternating as {@link #cacheOut}), and that row's logits at the last slot. Kept from the first
     * generation; later ones run the first step on the conditional rows only (row results do not
     * depend on the other rows of the batch: the same bits either way). Null until then, and for a
     * bundle with the stacked cache.
     */
    private float[][] uncondCache;
    private float[] uncondLogits;
    /** The assembled first-step cache buffers of the last batch size (see {@link #firstCacheStores}). */
    private FloatBuffer[] assembledStores;
    private int assembledBatch;

    public Sampler(Bundle bundle, BundleGraphs graphs, TextEncoder text) {
        this.bundle = bundle;
        this.graphs = graphs;
        this.text = text;
        this.model = bundle.manifest().model();
        this.schedule = bundle.schedule();
        this.codebook = bundle.codebook();
        this.codebookWide = new double[codebook.length];
        for (int i = 0; i < codebook.length; i++) {
            codebookWide[i] = codebook[i];
        }
        this.preview = bundle.preview();
        List<String> stepIn = bundle.manifest().graphs().get(GraphRole.STEP).inputs().stream()
                .map(TensorSpec::name).toList();
        this.stackedCache = GraphRole.stackedCache(stepIn);
        this.cacheIn = GraphRole.cacheNames("past", model.depth(), stackedCache);
        this.cacheOut = GraphRole.cacheNames("present", model.depth(), stackedCache);
        java.util.Set<String> so = new java.util.HashSet<>(cacheOut);
        so.add("hidden");
        this.stepOutputs = java.util.Set.copyOf(so);
    }

    /** Runs one generation; see {@link dev.hartstudio.engine.HartEngine#generate}. */
    public GenerationResult generate(GenerationRequest req, GenerationListener listener, GenerationControl control)
            throws EngineException {
        long start = System.nanoTime();
        insideOrt = 0;
        var dflt = bundle.manifest().samplingDefaults();
        int batch = req.batch();
        int rows2 = 2 * batch;
        int scales = model.scales();
        int big = model.finestPatch();
        int cv = model.latentChannels();
        int vocab = model.codebookSize();
        int slots = model.contextTokens();
        int layers = model.depth();
        int heads = model.numHeads();
        int hd = model.headDim();
        int width = model.embedDim();
        double cfg = req.cfg() != null ? req.cfg() : dflt.cfg();
        int[] topK = topK(req, dflt.topK(), scales);
        double topP = req.topP() != null ? req.topP() : dflt.topP();
        boolean smooth = req.moreSmooth() != null ? req.moreSmooth() : dflt.moreSmooth();
        Branch branch = req.branch();
        if (branch != null && (branch.fromScale() < 1 || branch.fromScale() >= scales
                || !branch.fitsBatch(batch)
                || branch.tokens() != null && branch.tokens().length < branch.fromScale())) {
            throw new EngineException("Branch from scale " + branch.fromScale() + " does not fit this bundle ("
                    + scales + " scales) and batch (" + batch + ").");
        }
        OrtEnvironment env = Ort.environment();
        long[] scaleNanos = new long[scales];
        long[] diffNanos = new long[schedule.diffusion().steps()];
        long previewNanos = 0;
        List<AutoCloseable> open = new ArrayList<>();
        try {
            // --- text conditioning (2.1-2.4)
            long t0 = System.nanoTime();
            TokenizedPrompts tp = text.encode(req.prompts());
            float[] ctx;
            try (OnnxTensor ids = longs(env, tp.inputIds(), batch, tp.sequenceLength());
                 OnnxTensor mask = longs(env, tp.attentionMask(), batch, tp.sequenceLength());
                 OrtSession.Result r = run(GraphRole.TEXT_ENCODER, Map.of("input_ids", ids, "attention_mask", mask), control)) {
                ctx = floats(r, "ctx");
            }
            int dt = model.contextDim();
            float[] ctx2 = new float[rows2 * slots * dt];
            System.arraycopy(ctx, 0, ctx2, 0, ctx.length);
            float[] mask2 = new float[rows2 * slots];
            long[] pos2 = new long[rows2 * slots];
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < slots; t++) {
                    mask2[b * slots + t] = tp.promptMask()[b * slots + t];
                    pos2[b * slots + t] = tp.positions()[b * slots + t];
                }
                mask2[(batch + b) * slots] = 1f;
            }
            long[] offsets = new long[rows2];
            for (int r = 0; r < rows2; r++) {
                offsets[r] = pos2[r * slots + slots - 1];
            }
            OnnxTensor ctxT = track(open, stores.input(env, DirectStores.Slot.CTX, ctx2, rows2, slots, dt));
            OnnxTensor maskT = track(open, stores.input(env, DirectStores.Slot.MASK, mask2, rows2, slots));
            OrtSession.Result cond = track(open, run(GraphRole.CONDITION, Map.of("ctx2", ctxT, "mask2", maskT), control));
            OnnxTensor ada = (OnnxTensor) cond.get("ada").get();
            OnnxTensor headAda = (OnnxTensor) cond.get("head_ada").get();
            OnnxTensor x = (OnnxTensor) cond.get("x0").get();
            float[][] rope = SamplerMath.rope1d(pos2, rows2, slots, schedule.rope().invFreq1d());
            long textNanos = System.nanoTime() - t0;

            // --- autoregressive scales (4.2-4.6)
            // the empty cache: one [2B, H, 0, d] tensor per block, or one stacked [NL, 2B, H, 0, d]
            OnnxTensor[] cache = new OnnxTensor[cacheIn.size()];
            for (int i = 0; i < cache.length; i++) {
                cache[i] = track(open, stackedCache ? tensor(env, new float[0], layers, rows2, heads, 0, hd)
                        : tensor(env, new float[0], rows2, heads, 0, hd));
            }
            OrtSession.Result prevStep = null;
            float[] fhat = new float[batch * cv * big * big];
            int[][][] tokens = new int[scales][][];
            float[] lastEmbed = null;
            float[] xLast = null;
            OnnxTensor xLastT = null;
            int stoppedAt = -1;
            List<OnnxTensor> firstCache = new ArrayList<>();
            for (int k = 0; k < scales; k++) {
                long ts = System.nanoTime();
                control.token().throwIfCancelled();
                Schedule.Scale sc = schedule.scales().get(k);
                int p = sc.p();
                int l = p * p;
                if (k > 0) {
                    rope = SamplerMath.rope2d(p, big, offsets, schedule.rope().invFreq2d());
                }
                OrtSession.Result step;
                boolean conditionalOnly = k == 0 && uncondCache != null;
                if (conditionalOnly) {
                    step = firstStepConditionalRows(env, x, rope, ada, headAda, batch, cache, firstCache, control);
                    open.addAll(firstCache);   // closed after the next step, or with the rest on a failure
                } else {
                    step = stepAllRows(env, x, rope, ada, headAda, cache, rows2, k == 0 ? slots : l, k == scales - 1, control);
                    if (k == 0 && !stackedCache && scales > 1) {   // the only place uncondCache is set
                        keepUnconditionalFirstStep(step, batch, slots, vocab);
                    }
                }
                if (parallel(batch * l)) {
                    ROWS.wake();   // the helpers wake up while this step's outputs are put away
                }
                if (k > 0) {
                    open.remove(x);
                    x.close();     // the embedded input of this scale is consumed
                }
                if (prevStep != null) {
                    open.remove(prevStep);
                    prevStep.close();
                    for (OnnxTensor t : firstCache) {   // the assembled first-step cache, consumed by this step
                        open.remove(t);
                        t.close();
                    }
                    firstCache.clear();
                }
                prevStep = track(open, step);
                if (k < scales - 1 && !conditionalOnly) {   // else already set by firstStepConditionalRows
                    for (int i = 0; i < cache.length; i++) {
                        cache[i] = (OnnxTensor) step.get(cacheOut.get(i)).get();
                    }
                }
                int tokOffset = k == 0 ? slots - 1 : 0;
                int tokTotal = k == 0 ? slots : l;
                float[] z = guidedBuffer(batch * l * vocab);
                int[][] idx = new int[batch][l];
                boolean forced = branch != null && k < branch.fromScale() && branch.tokens() != null;
                if (forced) {
                    for (int b = 0; b < batch; b++) {
                        if (branch.tokens()[k][b].length != l) {
                            throw new EngineException("Branch tokens of scale " + k + " have "
                                    + branch.tokens()[k][b].length + " entries, expected " + l + ".");
                        }
                        idx[b] = branch.tokens()[k][b].clone();
                        for (int t : idx[b]) {
                            if (t < 0 || t >= vocab) {
                                throw new EngineException("Branch token " + t + " at scale " + k
                                        + " is not in this model's codebook (0.." + (vocab - 1) + ").");
                            }
                        }
                    }
                }
                float[] e = new float[batch * l * cv];
                sampleRows(req, logitsStore.asFloatBuffer(), tokOffset, tokTotal, cfg * sc.ratio(), z, idx, e, forced,
                        smooth, k, l, vocab, cv, Math.min(topK[k], vocab), topP, sc);
                tokens[k] = idx;
                if (!smooth) {
                    hardEmbed(idx, e, cv);
                }
                if (k < scales - 1) {
                    float[] h = SamplerMath.tokensToMap(e, batch, p, cv);
                    fhat = fhatStep(env, fhat, h, batch, cv, big, p, schedule.up().get(k).toFloat32(), sc.phiIndex(), control);
                    int pn = schedule.scales().get(k + 1).p();
                    float[] next = SamplerMath.area(fhat, batch, cv, big, schedule.down().get(k + 1).data(), pn);
                    x = track(open, embed(env, next, batch, pn * pn, cv, k + 1, width, control));
                    long tp0 = System.nanoTime();
                    List<RgbImage> previews = preview(env, req.preview(), fhat, batch, cv, big, control);
                    previewNanos += System.nanoTime() - tp0;
                    scaleNanos[k] = System.nanoTime() - ts;
                    listener.onEvent(new GenerationEvent.ScaleDone(k, scales, p, idx, previews, scaleNanos[k]));
                    if (control.isStopRequested()) {
                        stoppedAt = k;
                        break;
                    }
                } else {
                    lastEmbed = e;
                    xLastT = (OnnxTensor) step.get("hidden").get();
                    float[] withLast = fhat.clone();
                    addTokens(withLast, e, null, batch, cv, big);
                    long tp0 = System.nanoTime();
                    List<RgbImage> previews = preview(env, req.preview(), withLast, batch, cv, big, control);
                    previewNanos += System.nanoTime() - tp0;
                    scaleNanos[k] = System.nanoTime() - ts;
                    listener.onEvent(new GenerationEvent.ScaleDone(k, scales, p, idx, previews, scaleNanos[k]));
                }
            }

            // --- residual diffusion (5.3) and decode (4.8)
            long td = System.nanoTime();
            List<RgbImage> images;
            DeferredImages discrete;
            List<float[]> heat = new ArrayList<>();
            if (stoppedAt >= 0) {
                images = decode(env, fhat, batch, cv, big, control);
                discrete = DeferredImages.of(images);
                for (int b = 0; b < batch; b++) {
                    heat.add(new float[big * big]);
                }
            } else {
                int L = big * big;
                float[] rho = new float[batch * L * cv];
                if (!req.discreteOnly()) {
                    float[] eHard = new float[batch * L * cv];
                    hardEmbed(tokens[scales - 1], eHard, cv);
                    int dw = model.diffusionWidth();
                    try (OnnxTensor eT = stores.input(env, DirectStores.Slot.E_HARD, eHard, batch, L, cv);
                         OnnxTensor cembT = stores.output(env, DirectStores.Slot.CEMB, 2L * batch, L, dw);
                         OrtSession.Result r = run(GraphRole.DIFF_COND, Map.of("x_last", xLastT, "e_hard", eT),
                                 java.util.Set.of(), Map.of("cemb", cembT), control)) {
                        // cemb stays in its slot: the diffusion MLP reads it from there at every step
                    }
                    double g = cfg * schedule.scales().get(scales - 1).ratio();
                    rho = diffusion(env, req, dw, batch, L, cv, g, fhat, lastEmbed, big, listener, diffNanos, control);
                }
                float[] fDiscrete = fhat.clone();
                addTokens(fDiscrete, lastEmbed, null, batch, cv, big);
                addTokens(fhat, lastEmbed, rho, batch, cv, big);
                images = decode(env, fhat, batch, cv, big, control);
                discrete = req.discreteOnly() ? DeferredImages.of(images)
                        : DeferredImages.deferred(() -> decodeImages(fDiscrete, batch, big));
                for (int b = 0; b < batch; b++) {
                    float[] m = new float[L];
                    for (int n = 0; n < L; n++) {
                        double s = 0;
                        for (int c = 0; c < cv; c++) {
                            float v = rho[(b * L + n) * cv + c];
                            s += v * v;
                        }
                        m[n] = (float) Math.sqrt(s);
                    }
                    heat.add(m);
                }
            }
            long decodeNanos = System.nanoTime() - td;
            for (long dn : diffNanos) {
                decodeNanos -= dn;
            }
            Timings timings = new Timings(textNanos, scaleNanos, diffNanos, Math.max(0, decodeNanos), previewNanos,
                    insideOrt, System.nanoTime() - start);
            return new GenerationResult(req, images, discrete, heat, trim(tokens, stoppedAt), stoppedAt, timings);
        } catch (OrtException e) {
            throw new EngineException("Could not build a tensor: " + e.getMessage(), e);
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                try {
                    open.get(i).close();
                } catch (Exception ignored) {
                    // closing native memory cannot fail in a way the caller can act on
                }
            }
        }
    }

    private static int[][][] trim(int[][][] tokens, int stoppedAt) {
        if (stoppedAt < 0) {
            return tokens;
        }
        int[][][] t = new int[stoppedAt + 1][][];
        System.arraycopy(tokens, 0, t, 0, stoppedAt + 1);
        return t;
    }

    private static int[] topK(GenerationRequest req, List<Integer> dflt, int scales) throws EngineException {
        int[] k = req.topK();
        if (k == null) {
            return dflt.stream().mapToInt(Integer::intValue).toArray();
        }
        if (k.length == 1) {
            int[] all = new int[scales];
            java.util.Arrays.fill(all, k[0]);
            return all;
        }
        if (k.length != scales) {
            throw new EngineException("The top-k schedule has " + k.length + " values; this bundle has " + scales + " scales.");
        }
        return k;
    }

    /** The seed whose draws scale k uses: a branch keeps the original seeds below its scale (see Branch#seedAt). */
    private static long seedFor(GenerationRequest req, int b, int k) {
        return Branch.seedAt(req.branch(), req.seeds(), b, k);
    }

    private void hardEmbed(int[][] idx, float[] e, int cv) {
        int l = idx[0].length;
        for (int b = 0; b < idx.length; b++) {
            for (int n = 0; n < l; n++) {
                System.arraycopy(codebook, idx[b][n] * cv, e, (b * l + n) * cv, cv);
            }
        }
    }

    /** f_hat += (e + rho) as a map; rho may be null. */
    private static void addTokens(float[] fhat, float[] e, float[] rho, int batch, int cv, int big) {
        int l = big * big;
        for (int b = 0; b < batch; b++) {
            for (int n = 0; n < l; n++) {
                for (int c = 0; c < cv; c++) {
                    int i = (b * l + n) * cv + c;
                    float v = rho == null ? e[i] : e[i] + rho[i];
                    int o = (b * cv + c) * l + n;
                    fhat[o] = fhat[o] + v;
                }
            }
        }
    }

    private float[] fhatStep(OrtEnvironment env, float[] fhat, float[] h, int batch, int cv, int big, int p, float[] up,
            int phi, GenerationControl control) throws OrtException, EngineException {
        try (OnnxTensor f = stores.input(env, DirectStores.Slot.FHAT, fhat, batch, cv, big, big);
             OnnxTensor hT = stores.input(env, DirectStores.Slot.H, h, batch, cv, p, p);
             OnnxTensor upT = stores.input(env, DirectStores.Slot.UP, up, big, p);
             OnnxTensor phiT = longs(env, new long[] {phi}, 1);
             OnnxTensor outT = stores.output(env, DirectStores.Slot.FHAT_OUT, batch, cv, big, big);
             OrtSession.Result r = run(GraphRole.FHAT_STEP, Map.of("f_hat", f, "h", hT, "up", upT, "phi_index", phiT),
                     java.util.Set.of(), Map.of("f_hat_out", outT), control)) {
            stores.floats(DirectStores.Slot.FHAT_OUT, fhat.length).get(fhat);   // the input was copied into its slot
            return fhat;
        }
    }

    /** word_embed + level embedding, duplicated for both CFG halves: {@code [2B, l, C]}. */
    private OnnxTensor embed(OrtEnvironment env, float[] latent, int batch, int l, int cv, int level, int width,
            GenerationControl control) throws OrtException, EngineException {
        // ONNX Runtime writes x into the first half of a reused direct buffer, the second half (the
        // unconditional rows) is one copy of it, and the step's input tensor is that buffer: no copy
        // out of ONNX Runtime, no heap arrays. The buffer is free again once the step has run.
        int n = batch * l * width;
        FloatBuffer store = embedStore(2 * n);
        try (OnnxTensor lat = stores.input(env, DirectStores.Slot.LATENT, latent, batch, l, cv);
             OnnxTensor lev = longs(env, new long[] {level}, 1);
             OnnxTensor out = OnnxTensor.createTensor(env, store.duplicate().limit(n).slice(), new long[] {batch, l, width});
             OrtSession.Result r = run(GraphRole.EMBED, Map.of("latent", lat, "level", lev), java.util.Set.of(),
                     Map.of("x", out), control)) {
            store.duplicate().position(n).limit(2 * n).slice().put(store.duplicate().limit(n).slice());
        }
        return OnnxTensor.createTensor(env, store.duplicate().limit(2 * n).slice(), new long[] {2 * batch, l, width});
    }

    private float[] diffusion(OrtEnvironment env, GenerationRequest req, int width, int batch, int L, int cv, double g,
            float[] fhat, float[] lastEmbed, int big, GenerationListener listener, long[] nanos, GenerationControl control)
            throws OrtException, EngineException {
        Schedule.Diffusion ds = schedule.diffusion();
        int rows = batch * L;
        float[] x = new float[rows * cv];
        if (!req.greedy()) {
            for (int b = 0; b < batch; b++) {
                RowMath.normals(PortableRng.key(req.seeds().get(b), PortableRng.DIFF_INIT, 0), L * cv, x, b * L * cv);
            }
        }
        float[] noise = new float[L * cv];
        int steps = ds.steps();
        // every step's inputs and output live in reused direct buffers: x is written in place (both
        // CFG halves), t filled, cemb left where diff_cond put it, out read where ONNX Runtime wrote it
        FloatBuffer xs = stores.floats(DirectStores.Slot.DIFF_X, 2 * rows * cv);
        FloatBuffer ts = stores.floats(DirectStores.Slot.DIFF_T, 2 * rows);
        FloatBuffer out = stores.floats(DirectStores.Slot.DIFF_OUT, 2 * rows * 2 * cv);
        float[] o = new float[2 * rows * 2 * cv];
        try (OnnxTensor c = OnnxTensor.createTensor(env, stores.floats(DirectStores.Slot.CEMB, 2 * rows * width),
                    new long[] {2L * rows, width});
             OnnxTensor xT = OnnxTensor.createTensor(env, xs, new long[] {2L * rows, cv});
             OnnxTensor tT = OnnxTensor.createTensor(env, ts, new long[] {2L * rows});
             OnnxTensor outT = OnnxTensor.createTensor(env, out, new long[] {2L * rows, 2L * cv})) {
            for (int n = steps - 1; n >= 0; n--) {
                long t0 = System.nanoTime();
                control.token().throwIfCancelled();
                xs.clear();
                xs.put(x).put(x).clear();
                float tn = (float) ds.timesteps()[n];
                for (int i = 0; i < 2 * rows; i++) {
                    ts.put(i, tn);
                }
                try (OrtSession.Result r = run(GraphRole.DIFF_MLP, Map.of("x", xT, "t", tT, "cemb", c), java.util.Set.of(),
                        Map.of("out", outT), control)) {
                    // out is in its slot
                }
                float a1 = (float) ds.sqrtRecipAlphasCumprod()[n];
                float a2 = (float) ds.sqrtRecipm1AlphasCumprod()[n];
                float c1 = (float) ds.posteriorMeanCoef1()[n];
                float c2 = (float) ds.posteriorMeanCoef2()[n];
                float maxLog = (float) ds.logBetas()[n];
                float minLog = (float) ds.posteriorLogVarianceClipped()[n];
                float ga = (float) (1 + g);
                float gb = (float) g;
                boolean guided = g != 1.0;
                out.get(0, o);   // one bulk copy; the loop below indexes a heap array
                for (int b = 0; b < batch; b++) {
                    if (n > 0 && !req.greedy()) {
                        RowMath.normals(PortableRng.key(req.seeds().get(b), PortableRng.DIFF_STEP, n), L * cv, noise, 0);
                    }
                    for (int r = 0; r < L; r++) {
                        int row = b * L + r;
                        int oc = row * 2 * cv;
                        int ou = (rows + row) * 2 * cv;
                        for (int ch = 0; ch < cv; ch++) {
                            int i = row * cv + ch;
                            float epsC = o[oc + ch];
                            float eps = guided ? ga * epsC - gb * o[ou + ch] : epsC;
                            float x0 = Math.max(-1f, Math.min(1f, a1 * x[i] - a2 * eps));
                            float mean = c1 * x0 + c2 * x[i];
                            if (n > 0) {
                                float frac = (o[oc + cv + ch] + 1f) / 2f;
                                float logvar = frac * maxLog + (1f - frac) * minLog;
                                float z = req.greedy() ? 0f : noise[r * cv + ch];
                                x[i] = mean + (float) Math.exp(0.5f * logvar) * z;
                            } else {
                                x[i] = mean;
                            }
                        }
                    }
                }
                int index = steps - 1 - n;
                List<RgbImage> previews = List.of();
                if (req.preview() != PreviewMode.NONE) {
                    float[] f = fhat.clone();
                    float[] rho = scaled(x, (float) ds.vaeScale());
                    addTokens(f, lastEmbed, rho, batch, cv, big);
                    previews = preview(env, req.preview(), f, batch, cv, big, control);
                }
                nanos[index] = System.nanoTime() - t0;
                listener.onEvent(new GenerationEvent.DiffusionStep(index, steps, previews, nanos[index]));
            }
        }
        return scaled(x, (float) ds.vaeScale());
    }

    private static float[] scaled(float[] x, float s) {
        float[] r = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = s * x[i];
        }
        return r;
    }

    private List<RgbImage> preview(OrtEnvironment env, PreviewMode mode, float[] fhat, int batch, int cv, int big,
            GenerationControl control) throws OrtException, EngineException {
        if (mode == PreviewMode.NONE) {
            return List.of();
        }
        if (mode == PreviewMode.FULL_DECODE) {
            return decode(env, fhat, batch, cv, big, control);
        }
        List<RgbImage> out = new ArrayList<>(batch);
        int l = big * big;
        float[] planar = new float[3 * l];
        for (int b = 0; b < batch; b++) {
            for (int n = 0; n < l; n++) {
                for (int ch = 0; ch < 3; ch++) {
                    float s = preview[cv * 3 + ch];
                    for (int c = 0; c < cv; c++) {
                        s += fhat[(b * cv + c) * l + n] * preview[c * 3 + ch];
                    }
                    planar[ch * l + n] = s;
                }
            }
            out.add(RgbImage.fromPlanar(planar, 0, big, big));
        }
        return out;
    }

    private List<RgbImage> decode(OrtEnvironment env, float[] fhat, int batch, int cv, int big, GenerationControl control)
            throws OrtException, EngineException {
        // input and image in reused direct buffers, the image copied once into a reused array
        int side = big * model.downsample();
        int n = batch * 3 * side * side;
        try (OnnxTensor f = stores.input(env, DirectStores.Slot.DECODE_IN, fhat, batch, cv, big, big);
             OnnxTensor imgT = stores.output(env, DirectStores.Slot.IMAGE, batch, 3, side, side);
             OrtSession.Result r = run(GraphRole.VAE_DECODER, Map.of("f_hat", f), java.util.Set.of(),
                     Map.of("image", imgT), control)) {
            if (lastPlanar == null || lastPlanar.length != n) {
                lastPlanar = new float[n];
            }
            stores.floats(DirectStores.Slot.IMAGE, n).get(lastPlanar);
        }
        List<RgbImage> out = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            out.add(RgbImage.fromPlanar(lastPlanar, b * 3 * side * side, side, side));
        }
        return out;
    }

    /**
     * One step on all {@code 2B} rows: the logits go straight into the reused direct buffer (no copy
     * out of ONNX Runtime); after the last scale the cache is not needed and not copied out (HART
     * 1024 px: 3.8 GB on a GPU).
     */
    private OrtSession.Result stepAllRows(OrtEnvironment env, OnnxTensor x, float[][] rope, OnnxTensor ada,
            OnnxTensor headAda, OnnxTensor[] cache, int rows2, int lIn, boolean last, GenerationControl control)
            throws OrtException, EngineException {
        int hd = model.headDim();
        int vocab = model.codebookSize();
        try (OnnxTensor cosT = stores.input(env, DirectStores.Slot.COS, rope[0], rows2, lIn, hd);
             OnnxTensor sinT = stores.input(env, DirectStores.Slot.SIN, rope[1], rows2, lIn, hd);
             OnnxTensor logitsT = OnnxTensor.createTensor(env, logitsBuffer(rows2 * lIn * vocab),
                     new long[] {rows2, lIn, vocab})) {
            Map<String, OnnxTensor> in = new HashMap<>();
            in.put("x", x);
            in.put("cos", cosT);
            in.put("sin", sinT);
            in.put("ada", ada);
            in.put("head_ada", headAda);
            for (int i = 0; i < cache.length; i++) {
                in.put(cacheIn.get(i), cache[i]);
            }
            return run(GraphRole.STEP, in, last ? LAST_STEP_OUTPUTS : stepOutputs, Map.of("logits", logitsT), control);
        }
    }

    /**
     * The first step on the {@code B} conditional rows only, the unconditional rows' results taken
     * from {@link #uncondCache}: their present k/v fill the second half of each block's cache
     * tensor (the first half is where ONNX Runtime writes the conditional rows'), their last-slot
     * logits go where the CFG reads them. Sets {@code cache} to the assembled {@code [2B, H, T, d]}
     * tensors and adds them to {@code assembled} (the caller closes them once the next step has
     * run); returns the run's result (no outputs of its own).
     */
    private OrtSession.Result firstStepConditionalRows(OrtEnvironment env, OnnxTensor x0, float[][] rope, OnnxTensor ada,
            OnnxTensor headAda, int batch, OnnxTensor[] cache, List<OnnxTensor> assembled, GenerationControl control)
            throws OrtException, EngineException {
        int slots = model.contextTokens();
        int heads = model.numHeads();
        int hd = model.headDim();
        int vocab = model.codebookSize();
        int rowFloats = heads * slots * hd;
        List<AutoCloseable> inputs = new ArrayList<>();
        try {
            Map<String, OnnxTensor> in = new HashMap<>();
            in.put("x", track(inputs, firstRows(env, DirectStores.Slot.FIRST_X, x0, 0, batch)));            // [2B, T, C]
            in.put("ada", track(inputs, firstRows(env, DirectStores.Slot.FIRST_ADA, ada, 1, batch)));        // [NL, 2B, 6C]
            in.put("head_ada", track(inputs, firstRows(env, DirectStores.Slot.FIRST_HEAD, headAda, 0, batch))); // [2B, 2C]
            in.put("cos", track(inputs, stores.prefix(env, DirectStores.Slot.COS, rope[0], batch, slots, hd)));
            in.put("sin", track(inputs, stores.prefix(env, DirectStores.Slot.SIN, rope[1], batch, slots, hd)));
            for (String name : cacheIn) {
                in.put(name, track(inputs, tensor(env, new float[0], batch, heads, 0, hd)));
            }
            Map<String, OnnxTensor> pinned = new HashMap<>();
            FloatBuffer logits = logitsBuffer(2 * batch * slots * vocab);
            pinned.put("logits", track(inputs, OnnxTensor.createTensor(env, logits.duplicate().limit(batch * slots * vocab).slice(),
                    new long[] {batch, slots, vocab})));
            FloatBuffer[] whole = firstCacheStores(batch, rowFloats);
            for (int i = 0; i < cacheOut.size(); i++) {
                pinned.put(cacheOut.get(i), track(inputs, OnnxTensor.createTensor(env,
                        whole[i].duplicate().limit(batch * rowFloats).slice(), new long[] {batch, heads, slots, hd})));
                cache[i] = OnnxTensor.createTensor(env, whole[i].duplicate(), new long[] {2L * batch, heads, slots, hd});
                assembled.add(cache[i]);
            }
            OrtSession.Result r = run(GraphRole.STEP, in, java.util.Set.of(), pinned, control);
            for (int b = 0; b < batch; b++) {
                logits.put(((batch + b) * slots + slots - 1) * vocab, uncondLogits);
            }
            return r;
        } catch (OrtException | EngineException | RuntimeException e) {
            for (OnnxTensor t : assembled) {
                t.close();
            }
            assembled.clear();
            throw e;
        } finally {
            for (AutoCloseable c : inputs) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing a tensor does not fail
                }
            }
        }
    }

    /**
     * The first {@code batch} of the {@code 2B} CFG rows (axis {@code axis}) of a condition output,
     * copied onto the slot's direct buffer.
     */
    private OnnxTensor firstRows(OrtEnvironment env, DirectStores.Slot slot, OnnxTensor t, int axis, int batch)
            throws OrtException {
        long[] shape = t.getInfo().getShape().clone();
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= Math.toIntExact(shape[i]);
        }
        int row = Math.toIntExact(t.getInfo().getNumElements()) / (outer * 2 * batch);
        FloatBuffer src = t.getFloatBuffer();
        FloatBuffer dst = stores.floats(slot, outer * batch * row);
        for (int i = 0; i < outer; i++) {
            dst.put(i * batch * row, src, i * 2 * batch * row, batch * row);
        }
        shape[axis] = batch;
        return OnnxTensor.createTensor(env, dst.rewind(), shape);
    }

    /**
     * Direct buffers for the first step's assembled cache, {@code [2B, H, T, d]} per output, kept
     * across generations of the same batch size with the unconditional rows already in their second
     * half (when together within {@link DirectStores#MAX_SPARE_BYTES}; larger ones are made anew).
     */
    private FloatBuffer[] firstCacheStores(int batch, int rowFloats) {
        if (assembledStores != null && assembledBatch == batch) {
            return assembledStores;
        }
        FloatBuffer[] made = new FloatBuffer[cacheOut.size()];
        for (int i = 0; i < made.length; i++) {
            made[i] = ByteBuffer.allocateDirect(4 * 2 * batch * rowFloats).order(ByteOrder.nativeOrder()).asFloatBuffer();
            for (int b = 0; b < batch; b++) {
                made[i].put((batch + b) * rowFloats, uncondCache[i]);
            }
        }
        boolean keep = 4L * 2 * batch * rowFloats * made.length <= DirectStores.MAX_SPARE_BYTES;
        assembledStores = keep ? made : null;
        assembledBatch = keep ? batch : 0;
        return made;
    }

    /** Keeps the first unconditional row's first-step results ({@link #uncondCache}) from a full first step. */
    private void keepUnconditionalFirstStep(OrtSession.Result step, int batch, int slots, int vocab) throws EngineException {
        int rowFloats = model.numHeads() * slots * model.headDim();
        float[][] kept = new float[cacheOut.size()][];
        for (int i = 0; i < kept.length; i++) {
            OnnxTensor t = (OnnxTensor) step.get(cacheOut.get(i))
                    .orElseThrow(() -> new EngineException("The step graph returned no cache."));
            FloatBuffer fb = t.getFloatBuffer();
            kept[i] = new float[rowFloats];
            fb.get(batch * rowFloats, kept[i]);
        }
        float[] l = new float[vocab];
        logitsStore.asFloatBuffer().get((batch * slots + slots - 1) * vocab, l);
        uncondCache = kept;
        uncondLogits = l;
    }

    /**
     * CFG, top-k, top-p, the token draw and (with {@code smooth}) the Gumbel soft embedding of every
     * token of one scale. Rows are independent (the RNG is counter-based), so they run on all cores;
     * each row's arithmetic is exactly the sequential one, so the tokens do not depend on the split.
     *
     * @param logits the step's logits {@code [2B, tokTotal, V]}; this scale's tokens start at {@code tokOffset}
     * @param guidance the CFG weight t of this scale
     * @param z {@code [B·l, V]}: the guided logits, masked in place by top-p (top-k alone lists its survivors)
     * @param idx filled unless {@code forced} (branch tokens already in place)
     * @param e soft embeddings {@code [B·l, Cv]}, filled when {@code smooth}
     */
    private void sampleRows(GenerationRequest req, FloatBuffer logits, int tokOffset, int tokTotal, double guidance,
            float[] z, int[][] idx, float[] e, boolean forced, boolean smooth, int k, int l, int vocab, int cv, int topK,
            double topP, Schedule.Scale sc) {
        int batch = idx.length;
        int rows = batch * l;
        long[] tokenKeys = new long[batch];
        long[] gumbelKeys = new long[batch];
        for (int b = 0; b < batch; b++) {
            long seed = seedFor(req, b, k);
            tokenKeys[b] = PortableRng.key(seed, PortableRng.TOKEN, k);
            gumbelKeys[b] = PortableRng.key(seed, PortableRng.GUMBEL, k);
        }
        float mult = (float) sc.logitMult();
        double tau = sc.tau();
        boolean greedy = req.greedy();
        boolean nucleus = topP > 0 && topP < 1;
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

    private static final ThreadLocal<RowMath.Scratch> SCRATCH = new ThreadLocal<>();

    /** A direct native-order view of {@code floats} floats over the reused logits store. */
    private FloatBuffer logitsBuffer(int floats) {
        if (logitsStore == null || logitsStore.capacity() < 4L * floats) {
            logitsStore = ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder());
        }
        return logitsStore.asFloatBuffer().limit(floats);
    }

    /** The reused direct store of the step input x (see {@link #embed}). */
    private FloatBuffer embedStore(int floats) {
        if (embedStore == null || embedStore.capacity() < floats) {
            embedStore = ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        return embedStore;
    }

    private float[] guidedBuffer(int floats) {
        if (guided == null || guided.length < floats) {
            guided = new float[floats];
        }
        return guided;
    }

    /** The discrete-only images of a finished generation, decoded when first asked for. */
    private List<RgbImage> decodeImages(float[] fhat, int batch, int big) throws EngineException {
        float[] img = decodePlanar(fhat, batch, new GenerationControl());   // a closed model says so
        int side = big * model.downsample();
        List<RgbImage> out = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            out.add(RgbImage.fromPlanar(img, b * 3 * side * side, side, side));
        }
        return out;
    }

    /** Decodes a latent {@code [B, Cv, P, P]} to planar floats {@code [B, 3, H, W]} in [0, 1]. */
    public float[] decodePlanar(float[] fhat, int batch, GenerationControl control) throws EngineException {
        int cv = model.latentChannels();
        int big = fhat.length / (batch * cv);
        big = (int) Math.round(Math.sqrt(big));
        try (OnnxTensor f = tensor(Ort.environment(), fhat, batch, cv, big, big);
             OrtSession.Result r = run(GraphRole.VAE_DECODER, Map.of("f_hat", f), control)) {
            return floats(r, "image");
        } catch (OrtException e) {
            throw new EngineException("Could not build a tensor: " + e.getMessage(), e);
        }
    }

    /**
     * Whether the next generation runs its first step on the conditional rows only, the
     * unconditional rows' results kept from an earlier one (a bundle with one cache tensor per block
     * and more than one scale, after its first generation).
     */
    public boolean reusesUnconditionalFirstStep() {
        return uncondCache != null;
    }

    /** The last decoded image batch as planar floats {@code [B, 3, H, W]} in [0, 1] (parity tests); reused by the next decode. */
    public float[] lastPlanarImage() {
        return lastPlanar;
    }

    /** Total time inside OrtSession.run during the last generation (nanoseconds). */
    public long insideOrtNanos() {
        return insideOrt;
    }

    private OrtSession.Result run(GraphRole role, Map<String, OnnxTensor> inputs, GenerationControl control)
            throws EngineException {
        return run(role, inputs, null, control);
    }

    private OrtSession.Result run(GraphRole role, Map<String, OnnxTensor> inputs, java.util.Set<String> outputs,
            GenerationControl control) throws EngineException {
        return run(role, inputs, outputs, Map.of(), control);
    }

    private OrtSession.Result run(GraphRole role, Map<String, OnnxTensor> inputs, java.util.Set<String> outputs,
            Map<String, OnnxTensor> pinned, GenerationControl control) throws EngineException {
        OrtGraph g = graphs.get(role);
        long t = System.nanoTime();
        try {
            return g.run(inputs, outputs, pinned, control.token());
        } finally {
            insideOrt += System.nanoTime() - t;
        }
    }

    static <T extends AutoCloseable> T track(List<AutoCloseable> open, T value) {
        open.add(value);
        return value;
    }

    static OnnxTensor tensor(OrtEnvironment env, float[] data, long... shape) throws OrtException {
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
    }

    static OnnxTensor longs(OrtEnvironment env, long[] data, long... shape) throws OrtException {
        return OnnxTensor.createTensor(env, LongBuffer.wrap(data), shape);
    }

    static float[] floats(OrtSession.Result r, String name) throws EngineException {
        OnnxTensor t = (OnnxTensor) r.get(name).orElseThrow(() -> new EngineException("A graph returned no '" + name + "' output."));
        FloatBuffer fb = t.getFloatBuffer();
        float[] a = new float[fb.remaining()];
        fb.get(a);
        return a;
    }
}
