package dev.hartstudio.ui.queue;

import dev.hartstudio.engine.generate.RgbImage;

/**
 * One step of a generation as the timeline shows it: an AR scale or a diffusion step.
 *
 * @param kind scale or diffusion step
 * @param index 0-based index among stages of its kind
 * @param count how many stages of its kind there are
 * @param patch token map side of a scale (0 for diffusion steps)
 * @param preview the preview of the first image after this stage, or null when previews are off
 * @param nanos time this stage took
 * @param tokens {@code [image][token]} ids sampled at this scale (empty for diffusion steps)
 */
public record Stage(Kind kind, int index, int count, int patch, RgbImage preview, long nanos, int[][] tokens) {

    public enum Kind { SCALE, DIFFUSION }

    /** Short label for a thumbnail: "1/8 · 1×1" or "diff 3/8". */
    public String label() {
        return kind == Kind.SCALE
                ? "scale " + (index + 1) + "/" + count + " · " + patch + "×" + patch
                : "diffusion " + (index + 1) + "/" + count;
    }

    /** Very short label: "s1" or "d3". */
    public String shortLabel() {
        return (kind == Kind.SCALE ? "s" : "d") + (index + 1);
    }
}
