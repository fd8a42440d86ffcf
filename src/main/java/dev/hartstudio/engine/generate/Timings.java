package dev.hartstudio.engine.generate;

/**
 * Per-stage wall times of one generation, nanoseconds.
 *
 * @param textNanos tokenisation + text encoder + condition graph
 * @param scaleNanos one entry per AR scale (transformer step, sampling, latent update)
 * @param diffusionNanos one entry per diffusion step
 * @param decodeNanos final VAE decode(s)
 * @param previewNanos total spent making previews (included in the stages above)
 * @param insideOrtNanos total inside {@code OrtSession.run}
 * @param totalNanos the whole call
 */
public record Timings(long textNanos, long[] scaleNanos, long[] diffusionNanos, long decodeNanos,
                      long previewNanos, long insideOrtNanos, long totalNanos) {

    /** Share of the total spent outside ONNX Runtime. */
    public double outsideOrtShare() {
        return totalNanos == 0 ? 0 : 1.0 - (double) insideOrtNanos / totalNanos;
    }
}
