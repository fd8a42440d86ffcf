package dev.hartstudio.persistence.history;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

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
 * @param branchOriginalSeed for a branch: the seed whose random draws the kept scales used; else null
 * @param branchTokens for a branch: the token ids of every scale the image has (the kept ones,
 *     {@code < branchFromScale}, then the ones it drew), one base64 string of little-endian int32 per
 *     scale, so that a re-run, or a branch of it, is exact; null when not a branch or saved by a
 *     version that did not keep them
 * @param branchParents for a branch of a branch: the earlier branch points, the nearest first, so
 *     that every kept scale is drawn again with the seed that first drew it; null or empty otherwise
 */
public record HistoryEntry(String id, long createdAt, String prompt, long seed, double cfg, List<Integer> topK,
                           double topP, boolean moreSmooth, boolean discreteOnly, String previewMode,
                           int branchFromScale, String bundleName, String bundleFolder, String provider, int width,
                           int height, int stoppedAtScale, StageTimings timings, String imageFile,
                           String thumbnailFile, Long branchOriginalSeed, List<String> branchTokens,
                           List<BranchParent> branchParents) {

    public HistoryEntry {
        prompt = prompt == null ? "" : prompt;
        topK = topK == null ? List.of() : List.copyOf(topK);
        timings = timings == null ? StageTimings.NONE : timings;
        branchTokens = branchTokens == null ? null : List.copyOf(branchTokens);
        branchParents = branchParents == null ? List.of() : List.copyOf(branchParents);
    }

    /** An earlier branch point of a branch of a branch: scales below {@code fromScale} used {@code seed}. */
    public record BranchParent(int fromScale, long seed) {
    }

    /** Whether the generation ran to the end (not stopped at a coarse scale). */
    public boolean complete() {
        return stoppedAtScale < 0;
    }

    /** A copy with the thumbnail file set. */
    public HistoryEntry withThumbnailFile(String file) {
        return new HistoryEntry(id, createdAt, prompt, seed, cfg, topK, topP, moreSmooth, discreteOnly, previewMode,
                branchFromScale, bundleName, bundleFolder, provider, width, height, stoppedAtScale, timings, imageFile,
                file, branchOriginalSeed, branchTokens, branchParents);
    }

    /** A branch's per-scale tokens in the stored {@code branchTokens} form. */
    public static List<String> encodeTokens(int[][] perScale) {
        List<String> out = new ArrayList<>(perScale.length);
        for (int[] t : perScale) {
            ByteBuffer b = ByteBuffer.allocate(4 * t.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asIntBuffer().put(t);
            out.add(Base64.getEncoder().encodeToString(b.array()));
        }
        return out;
    }

    /**
     * What a re-run needs to repeat this branch exactly: the kept scales' tokens, one array per scale;
     * empty when this is not a branch, or the tokens are missing or damaged.
     */
    public Optional<int[][]> keptTokens() {
        return allTokens().filter(t -> t.length >= branchFromScale)
                .map(t -> java.util.Arrays.copyOf(t, branchFromScale));
    }

    /** A branch's tokens of every scale it has (see {@code branchTokens}); empty as {@link #keptTokens}. */
    public Optional<int[][]> allTokens() {
        if (branchFromScale <= 0 || branchOriginalSeed == null || branchTokens == null) {
            return Optional.empty();
        }
        int[][] out = new int[branchTokens.size()][];
        try {
            for (int s = 0; s < out.length; s++) {
                byte[] raw = Base64.getDecoder().decode(branchTokens.get(s));
                if (raw.length % 4 != 0) {
                    return Optional.empty();
                }
                out[s] = new int[raw.length / 4];
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out[s]);
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.of(out);
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
