package dev.hartstudio.bundle;

import java.util.List;

/**
 * manifest.json {@code sampling_defaults}: the parameters the model was tuned for.
 *
 * @param cfg classifier-free guidance weight
 * @param topK one top-k per scale (0 = no top-k)
 * @param topP nucleus threshold (0 = no top-p)
 * @param moreSmooth whether Gumbel smoothing is on by default
 * @param seed default seed, in [0, 2^53)
 * @param diffusionSteps spaced diffusion steps of the residual head
 */
public record SamplingDefaults(
        double cfg,
        List<Integer> topK,
        double topP,
        boolean moreSmooth,
        long seed,
        int diffusionSteps) {

    public SamplingDefaults {
        topK = List.copyOf(topK);
    }
}
