package dev.hartstudio.cli;

import java.util.List;

/**
 * The sampling parameters of one image, before the bundle's defaults fill the gaps. Images with
 * equal parameters can share a batch.
 *
 * @param cfg guidance, or null for the bundle default
 * @param topK one value for every scale or one per scale, or null for the bundle default
 * @param topP nucleus threshold, or null for the bundle default
 * @param smooth Gumbel smoothing, or null for the bundle default
 */
record SamplingParams(Double cfg, List<Integer> topK, Double topP, Boolean smooth, boolean discreteOnly,
                      boolean greedy) {

    static final double MAX_CFG = 50;
    static final String CFG_RANGE = "0 .. 50";
    static final String TOP_P_RANGE = "0 (off) up to but not including 1";
    static final double MAX_TOP_P = Math.nextDown(1.0);
    /** Largest top-k accepted before the bundle is known (the bundle's V caps it later). */
    static final long MAX_TOP_K = 1 << 20;

    SamplingParams {
        topK = topK == null ? null : List.copyOf(topK);
    }

    SamplingParams withCfg(Double v) {
        return new SamplingParams(v, topK, topP, smooth, discreteOnly, greedy);
    }

    SamplingParams withTopK(List<Integer> v) {
        return new SamplingParams(cfg, v, topP, smooth, discreteOnly, greedy);
    }

    SamplingParams withTopP(Double v) {
        return new SamplingParams(cfg, topK, v, smooth, discreteOnly, greedy);
    }

    SamplingParams withSmooth(Boolean v) {
        return new SamplingParams(cfg, topK, topP, v, discreteOnly, greedy);
    }

    SamplingParams withDiscreteOnly(boolean v) {
        return new SamplingParams(cfg, topK, topP, smooth, v, greedy);
    }

    SamplingParams withGreedy(boolean v) {
        return new SamplingParams(cfg, topK, topP, smooth, discreteOnly, v);
    }
}
