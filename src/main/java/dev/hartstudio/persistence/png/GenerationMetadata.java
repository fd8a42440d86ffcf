package dev.hartstudio.persistence.png;

import dev.hartstudio.bundle.Bundle;
import dev.hartstudio.bundle.SamplingDefaults;
import dev.hartstudio.engine.generate.Branch;
import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.engine.generate.GenerationResult;
import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.engine.generate.Timings;
import dev.hartstudio.engine.rng.PortableRng;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything needed to make one image again, as stored in the {@code hart-studio} chunk of a PNG.
 * Sampling values are the effective ones (bundle defaults already applied), so the record does not
 * depend on the bundle's defaults staying the same.
 *
 * @param prompt the prompt of this image
 * @param seed this image's seed
 * @param batchIndex position of this image in its batch, 0-based
 * @param batchSize images generated together
 * @param topK per-scale top-k, one per scale (0 = off at that scale)
 * @param topP nucleus threshold, 0 = off
 * @param moreSmooth Gumbel soft embedding
 * @param preview the preview mode's name
 * @param branch the kept coarse scales when the image was branched from another, or null
 * @param scales {@code K}, the bundle's number of scales
 * @param stoppedAtScale -1 when complete, else the last scale included ("stop here")
 * @param diffusionSteps residual diffusion steps run (0 when discrete-only or stopped early)
 * @param width image width, pixels
 * @param height image height, pixels
 * @param bundleName the bundle manifest's {@code name}
 * @param bundleSha256 lower-case hex sha256 of the bundle's manifest.json
 * @param provider the execution provider that ran the graphs, e.g. {@code CUDA}
 * @param ortVersion ONNX Runtime version
 * @param rng random number generator, {@value PortableRng#NAME}
 * @param appVersion HART Studio version
 * @param timings stage times of the whole batch, or null when unknown
 */
public record GenerationMetadata(
        String prompt,
        long seed,
        int batchIndex,
        int batchSize,
        double cfg,
        List<Integer> topK,
        double topP,
        boolean moreSmooth,
        boolean discreteOnly,
        boolean greedy,
        String preview,
        BranchInfo branch,
        int scales,
        int stoppedAtScale,
        int diffusionSteps,
        int width,
        int height,
        String bundleName,
        String bundleSha256,
        String provider,
        String ortVersion,
        String rng,
        String appVersion,
        StageTimes timings) implements ImageParameters {

    /** Sampler name written to the A1111 infotext. */
    public static final String SAMPLER = "HART";

    /**
     * Branch information of one image.
     *
     * @param fromScale first resampled scale
     * @param originalSeed the seed of the image the kept tokens come from
     * @param tokens the kept tokens, one row-major list per scale {@code < fromScale}
     * @param parents when the original was itself a branch: its branch points down to the first
     *     generation, nearest first (scales below each used that level's seed); empty otherwise
     */
    public record BranchInfo(int fromScale, long originalSeed, List<List<Integer>> tokens, List<BranchPoint> parents) {

        public BranchInfo {
            List<List<Integer>> copy = new ArrayList<>(tokens.size());
            for (List<Integer> scale : tokens) {
                copy.add(List.copyOf(scale));
            }
            tokens = List.copyOf(copy);
            parents = List.copyOf(parents);
        }

        /** A branch of a generation that was not itself a branch. */
        public BranchInfo(int fromScale, long originalSeed, List<List<Integer>> tokens) {
            this(fromScale, originalSeed, tokens, List.of());
        }
    }

    /** An earlier branch point of a branch of a branch: scales below {@code fromScale} used {@code seed}. */
    public record BranchPoint(int fromScale, long seed) {
    }

    /** {@link Timings} with lists instead of arrays, so that equal times compare equal. */
    public record StageTimes(long textNanos, List<Long> scaleNanos, List<Long> diffusionNanos, long decodeNanos,
                             long previewNanos, long insideOrtNanos, long totalNanos) {

        public StageTimes {
            scaleNanos = List.copyOf(scaleNanos);
            diffusionNanos = List.copyOf(diffusionNanos);
        }

        public static StageTimes of(Timings t) {
            return new StageTimes(t.textNanos(), boxed(t.scaleNanos()), boxed(t.diffusionNanos()), t.decodeNanos(),
                    t.previewNanos(), t.insideOrtNanos(), t.totalNanos());
        }

        private static List<Long> boxed(long[] values) {
            List<Long> list = new ArrayList<>(values.length);
            for (long v : values) {
                list.add(v);
            }
            return list;
        }
    }

    public GenerationMetadata {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(preview, "preview");
        Objects.requireNonNull(bundleName, "bundleName");
        Objects.requireNonNull(bundleSha256, "bundleSha256");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(ortVersion, "ortVersion");
        Objects.requireNonNull(rng, "rng");
        Objects.requireNonNull(appVersion, "appVersion");
        topK = List.copyOf(topK);
        if (batchIndex < 0 || batchIndex >= batchSize) {
            throw new IllegalArgumentException("batch index " + batchIndex + " is outside 0 .. " + (batchSize - 1));
        }
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size " + width + "x" + height + " is empty");
        }
    }

    /**
     * The metadata of image {@code index} of {@code result}, with the request's unset sampling values
     * taken from {@code bundle}'s defaults.
     */
    public static GenerationMetadata of(GenerationResult result, int index, Bundle bundle, String provider,
            String ortVersion, String appVersion) {
        GenerationRequest request = result.request();
        SamplingDefaults defaults = bundle.manifest().samplingDefaults();
        RgbImage image = result.images().get(index);
        List<Integer> topK = request.topK() == null ? defaults.topK() : boxed(request.topK());
        int diffusionSteps = request.discreteOnly() || !result.complete()
                ? 0 : bundle.schedule().diffusion().steps();
        return new GenerationMetadata(
                request.prompts().get(index),
                request.seeds().get(index),
                index,
                request.batch(),
                request.cfg() == null ? defaults.cfg() : request.cfg(),
                topK,
                request.topP() == null ? defaults.topP() : request.topP(),
                request.moreSmooth() == null ? defaults.moreSmooth() : request.moreSmooth(),
                request.discreteOnly(),
                request.greedy(),
                request.preview().name(),
                branchInfo(request.branch(), result.tokens(), index),
                bundle.manifest().model().scales(),
                result.stoppedAtScale(),
                diffusionSteps,
                image.width(),
                image.height(),
                bundle.manifest().name(),
                bundle.manifestSha256(),
                provider,
                ortVersion,
                PortableRng.NAME,
                appVersion,
                result.timings() == null ? null : StageTimes.of(result.timings()));
    }

    /** Scales sampled: all {@code K}, or up to and including the scale generation stopped at. */
    public int scalesSampled() {
        return stoppedAtScale < 0 ? scales : stoppedAtScale + 1;
    }

    /** The A1111 {@code Steps} value: scales sampled plus diffusion steps run. */
    public int steps() {
        return scalesSampled() + diffusionSteps;
    }

    /** The A1111 {@code Model hash}: the first 10 hex digits of the bundle's sha256. */
    public String modelHash() {
        return bundleSha256.substring(0, Math.min(10, bundleSha256.length()));
    }

    /** The kept scales of a branch: the tokens it gave, or (when it had them drawn again) the result's. */
    private static BranchInfo branchInfo(Branch branch, int[][][] result, int index) {
        if (branch == null) {
            return null;
        }
        int[][][] drawn = branch.tokens() != null ? branch.tokens() : result;
        List<List<Integer>> tokens = new ArrayList<>();
        for (int scale = 0; scale < branch.fromScale() && scale < drawn.length; scale++) {
            tokens.add(boxed(drawn[scale][index]));
        }
        List<BranchPoint> parents = new ArrayList<>();
        for (Branch p = branch.parent(); p != null; p = p.parent()) {
            parents.add(new BranchPoint(p.fromScale(), p.originalSeeds().get(index)));
        }
        return new BranchInfo(branch.fromScale(), branch.originalSeeds().get(index), tokens, parents);
    }

    private static List<Integer> boxed(int[] values) {
        List<Integer> list = new ArrayList<>(values.length);
        for (int v : values) {
            list.add(v);
        }
        return list;
    }
}
