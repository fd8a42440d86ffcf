package dev.hartstudio.ui.create;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.ui.common.ErrorReporter;
import dev.hartstudio.ui.testing.FakeEngine;
import dev.hartstudio.ui.testing.SyncTaskRunner;
import dev.hartstudio.ui.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataDropViewModelTest {

    @TempDir
    Path dir;

    private final ErrorReporter errors = new ErrorReporter(null);
    private ParametersViewModel params;
    private MetadataDropViewModel vm;

    @BeforeEach
    void setUp() {
        params = new ParametersViewModel(() -> 5);
        params.modelProperty().set(FakeEngine.defaultModel());
        params.seedTextProperty().set("1");
        vm = new MetadataDropViewModel(new SyncTaskRunner(), errors, params);
    }

    @Test
    void ourPngRestoresEveryParameter() throws Exception {
        vm.read(TestImages.writeOurs(dir.resolve("ours.png"), "a glass bird", 4242));
        assertNotNull(vm.foundProperty().get());
        assertTrue(vm.summaryBinding().get().contains("HART Studio"), vm.summaryBinding().get());
        vm.recallAll();
        assertEquals("a glass bird", params.promptProperty().get());
        assertEquals("4242", params.seedTextProperty().get());
        assertEquals("3.5", params.cfgTextProperty().get());
        assertEquals("60, 60, 60, 30", params.topKTextProperty().get());
        assertEquals("0.25", params.topPTextProperty().get());
        assertFalse(params.moreSmoothProperty().get());
        assertFalse(params.residualDiffusionProperty().get());
        assertNull(vm.foundProperty().get(), "the offer closes once used");
    }

    @Test
    void a1111TextRestoresPromptSeedAndCfgOnly() throws Exception {
        params.topKTextProperty().set("7");
        vm.read(TestImages.writeA1111(dir.resolve("sd.png"),
                "a castle at dusk\nNegative prompt: blurry\nSteps: 30, Sampler: Euler a, CFG scale: 7, Seed: 123, "
                        + "Size: 512x512, Model: sd15"));
        assertTrue(vm.summaryBinding().get().contains("A1111"), vm.summaryBinding().get());
        vm.recallAllButSeed();
        assertEquals("a castle at dusk", params.promptProperty().get());
        assertEquals("1", params.seedTextProperty().get(), "all but seed");
        assertEquals("7", params.cfgTextProperty().get());
        assertEquals("7", params.topKTextProperty().get(), "A1111 text has no top-k: nothing is guessed");
    }

    @Test
    void pngWithoutParametersIsReported() throws Exception {
        Path plain = TestImages.writeLandscape(dir, "plain.png", 20, 20);
        vm.read(plain);
        assertNull(vm.foundProperty().get());
        assertNotNull(errors.getMessage());
        assertTrue(errors.getMessage().text().contains("plain.png"), errors.getMessage().text());
    }

    @Test
    void damagedFileIsReported() throws Exception {
        Path bad = Files.write(dir.resolve("bad.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        vm.read(bad);
        assertNull(vm.foundProperty().get());
        assertNotNull(errors.getMessage());
    }
}
