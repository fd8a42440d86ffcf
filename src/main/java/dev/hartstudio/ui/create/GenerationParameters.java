package dev.hartstudio.ui.create;

import java.util.List;

/**
 * Parameters to recall into the create panel (from history or a dropped PNG). Null fields are left
 * as they are.
 *
 * @param prompt the prompt
 * @param seed the seed, or null
 * @param cfg guidance scale, or null
 * @param topK per-scale top-k, or null
 * @param topP nucleus threshold, or null
 * @param moreSmooth Gumbel smoothing, or null
 * @param discreteOnly residual diffusion off, or null
 */
public record GenerationParameters(String prompt, Long seed, Double cfg, List<Integer> topK, Double topP,
                                   Boolean moreSmooth, Boolean discreteOnly) {

    public GenerationParameters {
        topK = topK == null ? null : List.copyOf(topK);
    }
}
