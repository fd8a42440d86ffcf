package dev.hartstudio.engine.generate;

import java.util.List;

/**
 * A finished (or stopped-early) generation.
 *
 * @param images final images, one per prompt (hybrid: discrete + residual, unless discrete-only)
 * @param discreteImages the same latents decoded without the diffusion residual
 * @param residualHeat per image, {@code [P*P]} L2 norm of the diffusion residual per latent cell
 *     (all zero when discrete-only or stopped early)
 * @param tokens {@code tokens[scale][image]} = ids of every sampled scale
 * @param stoppedAtScale -1 when complete, else the last scale included ("stop here")
 * @param timings per-stage times
 */
public record GenerationResult(
        GenerationRequest request,
        List<RgbImage> images,
        List<RgbImage> discreteImages,
        List<float[]> residualHeat,
        int[][][] tokens,
        int stoppedAtScale,
        Timings timings) {

    public boolean complete() {
        return stoppedAtScale < 0;
    }
}
