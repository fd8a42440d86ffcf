package dev.hartstudio.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.engine.generate.GenerationControl;
import dev.hartstudio.engine.generate.GenerationEvent;
import dev.hartstudio.engine.generate.GenerationListener;
import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.engine.generate.GenerationResult;
import dev.hartstudio.engine.generate.PreviewMode;
import dev.hartstudio.engine.generate.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Behaviour of the facade on the tiny random bundle: events, cancel, stop here, batching, errors. */
class HartEngineTest {

    static HartEngine engine;

    @BeforeAll
    static void open() throws Exception {
        engine = HartEngine.open(GoldenParityTest.BUNDLE, ExecutionProvider.CPU);
    }

    @AfterAll
    static void close() throws Exception {
        engine.close();
    }

    static GenerationRequest request(String prompt, long seed, PreviewMode preview) {
        return new GenerationRequest(List.of(prompt), List.of(seed), null, null, null, null, false, false, preview, null);
    }

    @Test
    void streamsOneEventPerScaleThenOnePerDiffusionStepWithPreviews() throws Exception {
        List<GenerationEvent> events = new ArrayList<>();
        GenerationResult r = engine.generate(request("a red circle", 3, PreviewMode.LATENT_RGB), events::add, new GenerationControl());
        int scales = engine.bundle().manifest().model().scales();
        assertEquals(scales + 8, events.size());
        for (int k = 0; k < scales; k++) {
            var e = (GenerationEvent.ScaleDone) events.get(k);
            assertEquals(k, e.scale());
            assertEquals(1, e.previews().size());
            assertEquals(e.patch() * e.patch(), e.tokens()[0].length);
        }
        for (int i = 0; i < 8; i++) {
            assertEquals(i, ((GenerationEvent.DiffusionStep) events.get(scales + i)).index());
        }
        assertTrue(r.complete());
        assertEquals(128, r.images().get(0).width());
        assertEquals(scales, r.timings().scaleNanos().length);
        assertTrue(r.timings().insideOrtNanos() > 0 && r.timings().insideOrtNanos() <= r.timings().totalNanos());
    }

    @Test
    void fullDecodePreviewsHaveTheImageResolution() throws Exception {
        List<GenerationEvent> events = new ArrayList<>();
        engine.generate(request("a red circle", 3, PreviewMode.FULL_DECODE), events::add, new GenerationControl());
        assertEquals(128, ((GenerationEvent.ScaleDone) events.get(0)).previews().get(0).width());
    }

    @Test
    void theSameSeedGivesTheSameImageAndAnotherSeedAnother() throws Exception {
        GenerationResult a = engine.generate(request("a blue star", 11, PreviewMode.NONE), null, null);
        GenerationResult b = engine.generate(request("a blue star", 11, PreviewMode.NONE), null, null);
        GenerationResult c = engine.generate(request("a blue star", 12, PreviewMode.NONE), null, null);
        assertArrayEquals(a.images().get(0).argb(), b.images().get(0).argb());
        assertNotEquals(List.of(a.tokens()[5][0]), List.of(c.tokens()[5][0]));
    }

    @Test
    void anImageIsTheSameAloneOrInABatch() throws Exception {
        GenerationResult single = engine.generate(request("a blue star", 9, PreviewMode.NONE), null, null);
        GenerationResult batch = engine.generate(new GenerationRequest(List.of("a red circle", "a blue star"), List.of(8L, 9L),
                null, null, null, null, false, false, PreviewMode.NONE, null), null, null);
        int scales = single.tokens().length;
        for (int k = 0; k < scales; k++) {
            assertArrayEquals(single.tokens()[k][0], batch.tokens()[k][1]);
        }
    }

    @Test
    void theDiscreteImageIsDecodedOnFirstUseAndEqualsADiscreteOnlyRun() throws Exception {
        GenerationResult full = engine.generate(request("a green ring", 21, PreviewMode.NONE), null, null);
        assertFalse(full.discrete().isDecoded(), "no second decode unless someone asks");
        List<RgbImage> discrete = full.discreteImages();
        assertTrue(full.discrete().isDecoded());
        assertSame(discrete, full.discreteImages(), "decoded once");
        GenerationResult only = engine.generate(new GenerationRequest(List.of("a green ring"), List.of(21L), null, null,
                null, null, true, false, PreviewMode.NONE, null), null, null);
        assertTrue(only.discrete().isDecoded());
        assertArrayEquals(only.images().get(0).argb(), discrete.get(0).argb());
        assertFalse(java.util.Arrays.equals(full.images().get(0).argb(), discrete.get(0).argb()),
                "the residual diffusion changes the hybrid image");
    }

    @Test
    void stopHereReturnsTheCoarseImageLabelledWithItsScale() throws Exception {
        GenerationControl control = new GenerationControl();
        GenerationListener stopAt2 = e -> {
            if (e instanceof GenerationEvent.ScaleDone s && s.scale() == 2) {
                control.stopHere();
            }
        };
        GenerationResult r = engine.generate(request("a red circle", 3, PreviewMode.NONE), stopAt2, control);
        assertEquals(2, r.stoppedAtScale());
        assertEquals(3, r.tokens().length);
        assertEquals(128, r.images().get(0).width());
    }

    @Test
    void cancelStopsWithinOneStep() {
        GenerationControl control = new GenerationControl();
        List<GenerationEvent> seen = new ArrayList<>();
        GenerationListener cancelAt1 = e -> {
            seen.add(e);
            if (e instanceof GenerationEvent.ScaleDone s && s.scale() == 1) {
                control.cancel();
            }
        };
        assertThrows(EngineCancelledException.class,
                () -> engine.generate(request("a red circle", 3, PreviewMode.NONE), cancelAt1, control));
        assertEquals(2, seen.size());
    }

    @Test
    void aTopKScheduleOfTheWrongLengthIsRefusedWithItsReason() {
        GenerationRequest r = new GenerationRequest(List.of("x"), List.of(1L), null, new int[] {5, 5}, null, null, false,
                false, PreviewMode.NONE, null);
        EngineException e = assertThrows(EngineException.class, () -> engine.generate(r, null, null));
        assertTrue(e.getMessage().contains("top-k"), e.getMessage());
    }

    @Test
    void aBranchWithoutTokensDrawsItsKeptScalesAgainFromTheOriginalSeed() throws Exception {
        GenerationResult original = engine.generate(request("a blue star", 3, PreviewMode.NONE), null, null);
        int keep = 3;
        int[][][] kept = java.util.Arrays.copyOf(original.tokens(), keep);
        GenerationResult given = engine.generate(branch(keep, kept), null, null);
        GenerationResult redrawn = engine.generate(branch(keep, null), null, null);
        for (int k = 0; k < original.tokens().length; k++) {
            assertArrayEquals(given.tokens()[k][0], redrawn.tokens()[k][0], "scale " + k);
            if (k < keep) {
                assertArrayEquals(original.tokens()[k][0], redrawn.tokens()[k][0], "kept scale " + k);
            }
        }
        assertArrayEquals(given.images().get(0).argb(), redrawn.images().get(0).argb());
    }

    @Test
    void rebranchingABranchWithItsOwnSeedGivesItBackExactly() throws Exception {
        GenerationResult a = engine.generate(request("a blue star", 3, PreviewMode.NONE), null, null);
        GenerationRequest toB = new GenerationRequest(List.of("a blue star"), List.of(99L), null, null, null, null, false,
                false, PreviewMode.NONE, new dev.hartstudio.engine.generate.Branch(2, List.of(3L),
                java.util.Arrays.copyOf(a.tokens(), 2)));
        GenerationResult b = engine.generate(toB, null, null);
        int last = b.tokens().length - 1;
        GenerationRequest again = new GenerationRequest(List.of("a blue star"), List.of(99L), null, null, null, null,
                false, false, PreviewMode.NONE, new dev.hartstudio.engine.generate.Branch(last, List.of(99L),
                java.util.Arrays.copyOf(b.tokens(), last), toB.branch()));
        GenerationResult c = engine.generate(again, null, null);
        assertArrayEquals(b.images().get(0).argb(), c.images().get(0).argb(),
                "scales 1-2 keep seed 3's noise through the parent branch");
        GenerationRequest flat = new GenerationRequest(List.of("a blue star"), List.of(99L), null, null, null, null,
                false, false, PreviewMode.NONE, new dev.hartstudio.engine.generate.Branch(last, List.of(99L),
                java.util.Arrays.copyOf(b.tokens(), last)));
        assertFalse(java.util.Arrays.equals(b.images().get(0).argb(),
                engine.generate(flat, null, null).images().get(0).argb()),
                "without the parent, scales 1-2 would get seed 99's noise (this is what the test guards)");
    }

    private static GenerationRequest branch(int keep, int[][][] tokens) {
        return new GenerationRequest(List.of("a blue star"), List.of(99L), null, null, null, null, false, false,
                PreviewMode.NONE, new dev.hartstudio.engine.generate.Branch(keep, List.of(3L), tokens));
    }

    @Test
    void branchTokensOutsideTheCodebookAreRefusedWithTheirScale() {
        int vocab = engine.bundle().manifest().model().codebookSize();
        int[][][] tokens = {{{vocab}}};                     // scale 0 has one token; one past the last code
        GenerationRequest r = new GenerationRequest(List.of("x"), List.of(1L), null, null, null, null, false,
                false, PreviewMode.NONE, new dev.hartstudio.engine.generate.Branch(1, List.of(2L), tokens));
        EngineException e = assertThrows(EngineException.class, () -> engine.generate(r, null, null));
        assertTrue(e.getMessage().contains("scale 0") && e.getMessage().contains("codebook"), e.getMessage());
    }

    @Test
    void absurdParametersAreRefusedWhenTheRequestIsMade() {
        assertThrows(IllegalArgumentException.class, () -> new GenerationRequest(List.of("x"), List.of(-1L), null, null,
                null, null, false, false, null, null));
        assertThrows(IllegalArgumentException.class, () -> new GenerationRequest(List.of("x"), List.of(1L), -2.0, null,
                null, null, false, false, null, null));
        assertThrows(IllegalArgumentException.class, () -> new GenerationRequest(List.of("x"), List.of(1L), null, null,
                1.5, null, false, false, null, null));
    }

    @Test
    void aMissingBundleFolderIsOneClearSentence() {
        EngineException e = assertThrows(EngineException.class,
                () -> HartEngine.open(Path.of("no/such/bundle"), ExecutionProvider.CPU));
        assertTrue(e.getMessage().contains("manifest.json") || e.getMessage().contains("no/such/bundle"), e.getMessage());
    }

    /** Measures native memory over 100 cancelled generations (issue: no leak over 100 cancels). */
    @Test
    @EnabledOnOs(OS.LINUX)
    void hundredCancelledGenerationsLeakNoNativeMemory() throws Exception {
        // warm up until the JVM heap and ONNX Runtime's arena have reached their working size
        for (int i = 0; i < 100; i++) {
            cancelMidway(i);
        }
        System.gc();
        long before = rssKb();
        for (int i = 0; i < 100; i++) {
            cancelMidway(100 + i);
        }
        System.gc();
        long after = rssKb();
        for (int i = 0; i < 100; i++) {
            cancelMidway(200 + i);
        }
        System.gc();
        long after2 = rssKb();
        System.out.printf("RSS over 2 x 100 cancels: %d kB -> %d kB -> %d kB (heap committed %d kB)%n", before, after, after2,
                Runtime.getRuntime().totalMemory() / 1024);
        assertTrue(after2 - before < 40_000, "RSS grew by " + (after2 - before) + " kB over 200 cancels");
    }

    private static void cancelMidway(int seed) {
        GenerationControl control = new GenerationControl();
        GenerationListener l = e -> {
            if (e instanceof GenerationEvent.ScaleDone s && s.scale() == 1 + seed % 5) {
                control.cancel();
            }
        };
        assertThrows(EngineCancelledException.class, () -> engine.generate(request("a red circle", seed, PreviewMode.LATENT_RGB), l, control));
    }

    static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
