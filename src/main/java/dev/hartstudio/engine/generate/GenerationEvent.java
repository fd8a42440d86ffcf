package dev.hartstudio.engine.generate;

import java.util.List;

/** What the engine streams while it generates, in order: K scale events, then the diffusion steps. */
public sealed interface GenerationEvent {

    /**
     * Scale {@code scale} (0-based) of {@code scales} is sampled and added to the latent.
     *
     * @param tokens {@code [image][token]} ids of this scale
     * @param previews one per image (empty list when previews are off)
     * @param nanos time spent on this scale, preview included
     */
    record ScaleDone(int scale, int scales, int patch, int[][] tokens, List<RgbImage> previews, long nanos)
            implements GenerationEvent {
    }

    /**
     * Diffusion step {@code index} (0-based, counting up) of {@code steps} finished.
     *
     * @param previews the latent with the current residual estimate, one per image
     */
    record DiffusionStep(int index, int steps, List<RgbImage> previews, long nanos) implements GenerationEvent {
    }
}
