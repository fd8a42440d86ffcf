package dev.hartstudio.engine.generate;

/** How the live preview of each AR scale / diffusion step is made; its cost shows in the timings. */
public enum PreviewMode {
    /** The bundle's least-squares latent-to-RGB matrix: one small matrix product, P x P pixels. */
    LATENT_RGB,
    /** The VAE decoder on the current latent: exact, costs one decode per event. */
    FULL_DECODE,
    /** No preview images; events still fire. */
    NONE
}
