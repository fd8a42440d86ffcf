package dev.hartstudio.engine.sample;

import dev.hartstudio.bundle.SamplingDefaults;
import dev.hartstudio.bundle.Schedule;
import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.generate.Branch;
import dev.hartstudio.engine.generate.GenerationRequest;
import java.util.Arrays;
import java.util.List;

/**
 * One generation's sampling options with the bundle's defaults filled in (HART-INFERENCE 4.1), checked
 * against the bundle before anything runs.
 *
 * @param topK one value per scale
 */
record SamplingSettings(GenerationRequest request, double cfg, int[] topK, double topP, boolean smooth) {

    static SamplingSettings resolve(GenerationRequest req, SamplingDefaults dflt, int scales) throws EngineException {
        double cfg = req.cfg() != null ? req.cfg() : dflt.cfg();
        int[] topK = topK(req, dflt.topK(), scales);
        double topP = req.topP() != null ? req.topP() : dflt.topP();
        boolean smooth = req.moreSmooth() != null ? req.moreSmooth() : dflt.moreSmooth();
        Branch branch = req.branch();
        if (branch != null && (branch.fromScale() < 1 || branch.fromScale() >= scales
                || !branch.fitsBatch(req.batch())
                || branch.tokens() != null && branch.tokens().length < branch.fromScale())) {
            throw new EngineException("Branch from scale " + branch.fromScale() + " does not fit this bundle ("
                    + scales + " scales) and batch (" + req.batch() + ").");
        }
        return new SamplingSettings(req, cfg, topK, topP, smooth);
    }

    int batch() {
        return request.batch();
    }

    boolean greedy() {
        return request.greedy();
    }

    /** The CFG weight {@code t = s·ratio_k} of a scale (4.7: the last scale reuses the one before). */
    double guidance(Schedule.Scale sc) {
        return cfg * sc.ratio();
    }

    /** The seed whose draws scale k uses: a branch keeps the original seeds below its scale (see Branch#seedAt). */
    long seedFor(int b, int k) {
        return Branch.seedAt(request.branch(), request.seeds(), b, k);
    }

    /** The branch's kept tokens of scale {@code k}, or null when scale k is sampled. */
    int[][] forcedTokens(int k) {
        Branch branch = request.branch();
        return branch != null && k < branch.fromScale() && branch.tokens() != null ? branch.tokens()[k] : null;
    }

    private static int[] topK(GenerationRequest req, List<Integer> dflt, int scales) throws EngineException {
        int[] k = req.topK();
        if (k == null) {
            return dflt.stream().mapToInt(Integer::intValue).toArray();
        }
        if (k.length == 1) {
            int[] all = new int[scales];
            Arrays.fill(all, k[0]);
            return all;
        }
        if (k.length != scales) {
            throw new EngineException("The top-k schedule has " + k.length + " values; this bundle has " + scales + " scales.");
        }
        return k;
    }
}
