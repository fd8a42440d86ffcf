package dev.hartstudio.engine.image;

/** How {@link ImageFit} makes a square out of an image of any aspect ratio. */
public enum FitMode {
    /** Crop the largest centred square, then resize it: nothing is distorted, the edges are lost. */
    CENTER_CROP,
    /** Resize width and height independently: everything is kept, the aspect ratio is not. */
    STRETCH,
    /** Resize so the longer side fits, then centre on a white square: everything is kept, undistorted. */
    PAD
}
