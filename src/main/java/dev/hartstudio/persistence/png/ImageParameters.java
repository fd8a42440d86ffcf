package dev.hartstudio.persistence.png;

/**
 * The generation parameters stored in a PNG: this app's full record ({@link GenerationMetadata}), or
 * the Stable Diffusion web UI (A1111) infotext of an image made elsewhere ({@link InfoText}).
 */
public sealed interface ImageParameters permits GenerationMetadata, InfoText {

    /** The positive prompt. */
    String prompt();
}
