package dev.hartstudio.persistence.png;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hartstudio.bundle.Bundle;
import dev.hartstudio.engine.generate.Branch;
import dev.hartstudio.engine.generate.DeferredImages;
import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.engine.generate.GenerationResult;
import dev.hartstudio.engine.generate.PreviewMode;
import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.engine.generate.Timings;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GenerationMetadataTest {

    private static Bundle bundle;

    @BeforeAll
    static void openBundle() throws Exception {
        bundle = Bundle.open(Path.of("src/test/resources/bundles/tiny-random"));
    }

    private static GenerationResult result(GenerationRequest request, int stoppedAtScale) {
        RgbImage image = new RgbImage(128, 128, new int[128 * 128]);
        List<RgbImage> images = java.util.Collections.nCopies(request.batch(), image);
        Timings timings = new Timings(1, new long[] {2, 3}, new long[] {4}, 5, 6, 7, 8);
        return new GenerationResult(request, images, DeferredImages.of(images), List.of(), new int[0][][], stoppedAtScale, timings);
    }

    @Test
    void unsetSamplingValuesTakeTheBundleDefaults() {
        GenerationMetadata m = GenerationMetadata.of(result(GenerationRequest.simple("a cube", 7), -1), 0, bundle,
                "CPU", "1.29.0", "0.1.0");
        assertEquals("a cube", m.prompt());
        assertEquals(7, m.seed());
        assertEquals(4.5, m.cfg());
        assertEquals(List.of(600, 600, 600, 600, 600, 600, 600, 300), m.topK());
        assertEquals(0.0, m.topP());
        assertEquals(true, m.moreSmooth());
        assertEquals(8, m.scales());
        assertEquals(8, m.diffusionSteps());
        assertEquals(16, m.steps());
        assertEquals("tiny-random-s0", m.bundleName());
        assertEquals(bundle.manifestSha256(), m.bundleSha256());
        assertEquals(bundle.manifestSha256().substring(0, 10), m.modelHash());
        assertEquals("hart-rng-v1", m.rng());
        assertEquals(List.of(2L, 3L), m.timings().scaleNanos());
        assertNull(m.branch());
    }

    @Test
    void explicitValuesAndTheBatchPositionAreKept() {
        GenerationRequest request = new GenerationRequest(List.of("a", "b"), List.of(1L, 2L), 2.0,
                new int[] {1, 2, 3, 4, 5, 6, 7, 8}, 0.9, false, true, false, PreviewMode.NONE, null);
        GenerationMetadata m = GenerationMetadata.of(result(request, -1), 1, bundle, "CUDA", "1.29.0", "0.1.0");
        assertEquals("b", m.prompt());
        assertEquals(2, m.seed());
        assertEquals(1, m.batchIndex());
        assertEquals(2, m.batchSize());
        assertEquals(2.0, m.cfg());
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), m.topK());
        assertEquals(0.9, m.topP());
        assertEquals(false, m.moreSmooth());
        assertEquals(0, m.diffusionSteps(), "discrete-only runs no diffusion");
        assertEquals(8, m.steps());
        assertEquals("NONE", m.preview());
    }

    @Test
    void aStoppedGenerationCountsTheScalesItSampled() {
        GenerationMetadata m = GenerationMetadata.of(result(GenerationRequest.simple("a", 1), 3), 0, bundle,
                "CPU", "1.29.0", "0.1.0");
        assertEquals(4, m.scalesSampled());
        assertEquals(0, m.diffusionSteps());
        assertEquals(4, m.steps());
    }

    @Test
    void branchTokensOfThisImageAreKept() {
        int[][][] tokens = {{{10}, {20}}, {{1, 2, 3, 4}, {5, 6, 7, 8}}};
        GenerationRequest request = new GenerationRequest(List.of("a", "b"), List.of(1L, 2L), null, null, null, null,
                false, false, PreviewMode.LATENT_RGB, new Branch(2, List.of(11L, 12L), tokens));
        GenerationMetadata m = GenerationMetadata.of(result(request, -1), 1, bundle, "CPU", "1.29.0", "0.1.0");
        assertEquals(new GenerationMetadata.BranchInfo(2, 12, List.of(List.of(20), List.of(5, 6, 7, 8))), m.branch());
    }

    @Test
    void aBranchOfABranchRecordsEveryEarlierBranchPointOfThisImage() {
        int[][][] tokens = {{{10}, {20}}, {{1, 2, 3, 4}, {5, 6, 7, 8}}, {{0}, {0}}, {{0}, {0}}};
        Branch first = new Branch(1, List.of(31L, 32L), null);
        Branch second = new Branch(3, List.of(21L, 22L), null, first);
        GenerationRequest request = new GenerationRequest(List.of("a", "b"), List.of(1L, 2L), null, null, null, null,
                false, false, PreviewMode.LATENT_RGB, new Branch(4, List.of(11L, 12L), tokens, second));
        GenerationMetadata m = GenerationMetadata.of(result(request, -1), 1, bundle, "CPU", "1.29.0", "0.1.0");
        assertEquals(List.of(new GenerationMetadata.BranchPoint(3, 22), new GenerationMetadata.BranchPoint(1, 32)),
                m.branch().parents());
        assertEquals(12, m.branch().originalSeed());
    }

    @Test
    void aBranchThatRedrewItsKeptScalesRecordsTheDrawnTokens() {
        GenerationRequest request = new GenerationRequest(List.of("a"), List.of(1L), null, null, null, null,
                false, false, PreviewMode.LATENT_RGB, new Branch(2, List.of(11L), null));
        RgbImage image = new RgbImage(128, 128, new int[128 * 128]);
        int[][][] drawn = {{{3}}, {{4, 5, 6, 7}}, {{1, 1, 1, 1, 1, 1, 1, 1, 1}}};
        GenerationResult r = new GenerationResult(request, List.of(image), DeferredImages.of(List.of(image)), List.of(),
                drawn, -1, new Timings(1, new long[] {2, 3}, new long[] {4}, 5, 6, 7, 8));
        GenerationMetadata m = GenerationMetadata.of(r, 0, bundle, "CPU", "1.29.0", "0.1.0");
        assertEquals(new GenerationMetadata.BranchInfo(2, 11, List.of(List.of(3), List.of(4, 5, 6, 7))), m.branch());
    }

    @Test
    void aBatchIndexOutsideTheBatchIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new GenerationMetadata("p", 1, 2, 2, 1, List.of(), 0, true,
                false, false, "NONE", null, 1, -1, 0, 1, 1, "b", "s", "CPU", "v", "r", "a", null));
    }
}
