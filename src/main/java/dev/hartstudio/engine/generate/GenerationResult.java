package dev.hartstudio.engine.generate;

import java.util.List;

/**
 * A finished (or stopped-early) generation.
 *
 * @param images final images, one per prompt (hybrid: discrete + residual, unless discrete-only)
 * @param discrete the same latents decoded without the diffusion residual, on first use (the same
 *     images as {@code images} when discrete-only or stopped early)
 * @param residualHeat per image, {@code [P*P]} L2 norm of the diffusion residual per latent cell
 *     (all zero when discrete-only or stopped early)
 * @param tokens {@code tokens[scale][image]} = ids of every sampled scale
 * @param stoppedAtScale -1 when complete, else the last scale included ("stop here")
 * @param timings per-stage times
 */
public record GenerationResult(
        GenerationRequest request,
        List<RgbImage> images,
        DeferredImages discrete,
        List<float[]> residualHeat,
        int[][][] tokens,
        int stoppedAtScale,
        Timings timings) {

    /**
     * The discrete-only images, decoding them now if needed (one more VAE decode; blocks, so call it
     * off the UI thread).
     */
    public List<RgbImage> discreteImages() throws dev.hartstudio.engine.EngineException {
        return discrete.get();
    }

    public boolean complete() {
        return stoppedAtScale < 0;
    }
}
