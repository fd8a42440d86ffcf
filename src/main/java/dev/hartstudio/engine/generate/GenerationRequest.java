package dev.hartstudio.engine.generate;

import java.util.List;

/**
 * Everything that determines a generation. Null fields take the bundle's sampling defaults.
 *
 * @param prompts one per image (batch size B = prompts.size())
 * @param seeds one per image, 0 .. 2^53-1 (docs/RNG.md)
 * @param cfg guidance scale s; null = bundle default
 * @param topK per-scale top-k (length K) or null = bundle default; 0 disables top-k at that scale
 * @param topP nucleus threshold in (0, 1), 0 = off; null = bundle default
 * @param moreSmooth Gumbel soft embedding; null = bundle default
 * @param discreteOnly skip the residual diffusion
 * @param greedy argmax tokens, zero noise (tests and debugging)
 * @param preview how previews are made
 * @param branch keep coarse scales of an earlier result, or null
 */
public record GenerationRequest(
        List<String> prompts,
        List<Long> seeds,
        Double cfg,
        int[] topK,
        Double topP,
        Boolean moreSmooth,
        boolean discreteOnly,
        boolean greedy,
        PreviewMode preview,
        Branch branch) {

    public static final long MAX_SEED = (1L << 53) - 1;

    public GenerationRequest {
        prompts = List.copyOf(prompts);
        seeds = List.copyOf(seeds);
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("at least one prompt is needed");
        }
        if (seeds.size() != prompts.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + seeds.size() + " seeds");
        }
        for (long s : seeds) {
            if (s < 0 || s > MAX_SEED) {
                throw new IllegalArgumentException("seed " + s + " is outside 0 .. " + MAX_SEED);
            }
        }
        if (cfg != null && (cfg.isNaN() || cfg < 0 || cfg > 50)) {
            throw new IllegalArgumentException("cfg " + cfg + " is outside 0 .. 50");
        }
        if (topP != null && (topP.isNaN() || topP < 0 || topP >= 1)) {
            throw new IllegalArgumentException("top-p " + topP + " is outside [0, 1)");
        }
        if (topK != null) {
            topK = topK.clone();
            for (int k : topK) {
                if (k < 0) {
                    throw new IllegalArgumentException("top-k " + k + " is negative");
                }
            }
        }
        if (preview == null) {
            preview = PreviewMode.LATENT_RGB;
        }
    }

    /** One prompt, one seed, bundle defaults, latent previews. */
    public static GenerationRequest simple(String prompt, long seed) {
        return new GenerationRequest(List.of(prompt), List.of(seed), null, null, null, null, false, false,
                PreviewMode.LATENT_RGB, null);
    }

    public int batch() {
        return prompts.size();
    }
}
