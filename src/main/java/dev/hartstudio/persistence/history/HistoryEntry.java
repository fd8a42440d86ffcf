package dev.hartstudio.persistence.history;

import java.util.List;

/**
 * One persisted generation: everything needed to recall or re-run it, and where its image is.
 *
 * @param id unique id (also the thumbnail's file name)
 * @param createdAt epoch milliseconds
 * @param prompt the prompt
 * @param seed the seed
 * @param cfg guidance scale
 * @param topK per-scale top-k
 * @param topP nucleus threshold, 0 = off
 * @param moreSmooth Gumbel smoothing
 * @param discreteOnly residual diffusion off
 * @param previewMode the preview mode used
 * @param branchFromScale 1-based scale it was branched from, 0 when not a branch
 * @param bundleName the bundle's manifest name
 * @param bundleFolder the bundle folder
 * @param provider the execution provider actually used, e.g. {@code cpu}
 * @param width image width in pixels
 * @param height image height in pixels
 * @param stoppedAtScale -1 when complete, else the last (0-based) scale included ("stop here")
 * @param timings per-stage times in milliseconds
 * @param imageFile absolute path of the saved PNG, or null if it was not saved
 * @param thumbnailFile thumbnail file name relative to the history folder, or null
 */
public record HistoryEntry(String id, long createdAt, String prompt, long seed, double cfg, List<Integer> topK,
                           double topP, boolean moreSmooth, boolean discreteOnly, String previewMode,
                           int branchFromScale, String bundleName, String bundleFolder, String provider, int width,
                           int height, int stoppedAtScale, StageTimings timings, String imageFile,
                           String thumbnailFile) {

    public HistoryEntry {
        prompt = prompt == null ? "" : prompt;
        topK = topK == null ? List.of() : List.copyOf(topK);
        timings = timings == null ? StageTimings.NONE : timings;
    }

    /** Whether the generation ran to the end (not stopped at a coarse scale). */
    public boolean complete() {
        return stoppedAtScale < 0;
    }

    /** A copy with the thumbnail file set. */
    public HistoryEntry withThumbnailFile(String file) {
        return new HistoryEntry(id, createdAt, prompt, seed, cfg, topK, topP, moreSmooth, discreteOnly, previewMode,
                branchFromScale, bundleName, bundleFolder, provider, width, height, stoppedAtScale, timings, imageFile,
                file);
    }

    /**
     * Per-stage wall times in milliseconds.
     *
     * @param textMs text encoding
     * @param scaleMs one per AR scale
     * @param diffusionMs one per diffusion step
     * @param decodeMs final decode
     * @param totalMs the whole generation
     */
    public record StageTimings(double textMs, List<Double> scaleMs, List<Double> diffusionMs, double decodeMs,
                               double totalMs) {

        public static final StageTimings NONE = new StageTimings(0, List.of(), List.of(), 0, 0);

        public StageTimings {
            scaleMs = scaleMs == null ? List.of() : List.copyOf(scaleMs);
            diffusionMs = diffusionMs == null ? List.of() : List.copyOf(diffusionMs);
        }
    }
}
