package dev.hartstudio.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.engine.BuildInfo;
import dev.hartstudio.engine.Flavour;
import dev.hartstudio.persistence.history.HistoryEntry;
import dev.hartstudio.persistence.settings.Settings;
import dev.hartstudio.ui.engine.BundleLocator;
import dev.hartstudio.ui.engine.EngineModel;
import dev.hartstudio.ui.queue.GenerationJob;
import dev.hartstudio.ui.testing.FakeDesktop;
import dev.hartstudio.ui.testing.FakeEngine;
import dev.hartstudio.ui.testing.SyncTaskRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The composition root with a synchronous runner: generate, save, history, restart. */
class StudioViewModelTest {

    @TempDir
    Path dir;

    private StudioViewModel studio(FakeEngine engine) throws Exception {
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        Files.writeString(bundle.resolve("manifest.json"), "{}");
        if (!Files.exists(dir.resolve("data/settings.json"))) {
            Files.createDirectories(dir.resolve("data"));
            Files.writeString(dir.resolve("data/settings.json"), "{\"outputFolder\":\""
                    + dir.resolve("out").toString().replace("\\", "\\\\") + "\",\"lastBundle\":\""
                    + bundle.toString().replace("\\", "\\\\") + "\"}");
        }
        StudioViewModel vm = new StudioViewModel(new StudioViewModel.Services(new SyncTaskRunner(),
                (f, p) -> engine, dir.resolve("data"), new BundleLocator(dir.resolve("none"), null, dir.resolve("i")),
                Clock.fixed(Instant.parse("2026-11-28T10:15:30Z"), ZoneOffset.UTC), () -> 9, new FakeDesktop()));
        vm.start();
        return vm;
    }

    @Test
    void startupOpensTheLastBundle() throws Exception {
        StudioViewModel vm = studio(new FakeEngine());
        assertEquals(EngineModel.State.READY, vm.engine().getState());
        assertEquals("fake", vm.status().modelBinding().get().split(" ")[0]);
        assertTrue(vm.status().providerBinding().get().contains("no NVIDIA driver found"));
    }

    @Test
    void theProviderLineNamesTheFlavourAndHowToGetTheGpuBuild() throws Exception {
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        Files.writeString(bundle.resolve("manifest.json"), "{}");
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/settings.json"), "{\"lastBundle\":\"" + bundle.toString().replace("\\", "\\\\")
                + "\"}");
        FakeEngine engine = new FakeEngine();
        BuildInfo cpu = new BuildInfo("9.9.9", Flavour.CPU, "1.29.0");
        String hint = Flavour.CPU.hint(null, true);
        StudioViewModel vm = new StudioViewModel(new StudioViewModel.Services(new SyncTaskRunner(), (f, p) -> engine,
                dir.resolve("data"), new BundleLocator(dir.resolve("none"), null, dir.resolve("i")), Clock.systemUTC(),
                () -> 9, new FakeDesktop(), cpu, hint));
        vm.start();
        assertEquals("CPU (no NVIDIA driver found) · CPU build · " + hint, vm.status().providerBinding().get());
        assertEquals("CPU (no NVIDIA driver found)", vm.status().providerChipBinding().get());
        assertEquals("9.9.9", vm.about().report().rows().get(0).value());
    }

    @Test
    void finishedGenerationIsSavedAndSurvivesARestart() throws Exception {
        StudioViewModel vm = studio(new FakeEngine());
        vm.create().parameters().promptProperty().set("a red cube");
        vm.create().generate();
        GenerationJob job = vm.queue().jobs().get(0);
        Path png = job.savedImageProperty().get();
        assertNotNull(png);
        assertEquals(dir.resolve("out"), png.getParent());
        assertTrue(png.getFileName().toString().startsWith("hart-20261128-101530-9-a-red-cube"));
        assertEquals(1, vm.history().allEntries().size());
        assertEquals(1, vm.gallery().visibleItems().size());
        assertTrue(vm.status().timingsProperty().get().startsWith("Last: 0.02 s"));

        StudioViewModel again = studio(new FakeEngine());
        HistoryEntry e = again.history().allEntries().get(0);
        assertEquals("a red cube", e.prompt());
        assertEquals(9, e.seed());
        assertEquals(png.toString(), e.imageFile());
        assertTrue(Files.isRegularFile(dir.resolve("data/history").resolve(e.thumbnailFile())));
    }

    @Test
    void settingsChangesArePersisted() throws Exception {
        StudioViewModel vm = studio(new FakeEngine());
        vm.settings().toggleTheme();
        vm.create().parameters().previewModeProperty().set(dev.hartstudio.engine.generate.PreviewMode.FULL_DECODE);
        StudioViewModel again = studio(new FakeEngine());
        assertEquals(Settings.DARK, again.settings().get().theme());
        assertEquals(dev.hartstudio.engine.generate.PreviewMode.FULL_DECODE,
                again.create().parameters().previewModeProperty().get());
    }

    @Test
    void failedGenerationShowsAShortMessageAndLogsTheDetails() throws Exception {
        FakeEngine engine = new FakeEngine();
        engine.failWith = new dev.hartstudio.engine.EngineException("The step graph failed.");
        StudioViewModel vm = studio(engine);
        vm.create().generate();
        assertEquals("The generation failed. The step graph failed.", vm.errors().getMessage().text());
        assertTrue(vm.errors().getMessage().details().contains("EngineException"));
        assertTrue(Files.readString(dir.resolve("data/hart-studio.log")).contains("The step graph failed."));
    }

    @Test
    void noBundleAnywhereLeavesAClearEmptyState() throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        StudioViewModel vm = new StudioViewModel(new StudioViewModel.Services(new SyncTaskRunner(),
                (f, p) -> new FakeEngine(), dir.resolve("empty"),
                new BundleLocator(dir.resolve("none"), null, dir.resolve("i")), Clock.systemUTC(), () -> 1,
                new FakeDesktop()));
        vm.start();
        assertEquals(EngineModel.State.FAILED, vm.engine().getState());
        assertEquals("No model found", vm.engine().statusTextProperty().get());
        assertTrue(!vm.create().canGenerateBinding().get());
    }
}
