package dev.hartstudio.ui.testing;

import dev.hartstudio.ui.StudioView;
import dev.hartstudio.ui.StudioViewModel;
import dev.hartstudio.ui.common.FxTaskRunner;
import dev.hartstudio.ui.common.TaskRunner;
import dev.hartstudio.ui.engine.BundleLocator;
import dev.hartstudio.ui.engine.EngineOpener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import javafx.stage.Stage;

/** Builds the real studio window over a scripted (or real) engine for headless TestFX tests. */
public final class StudioFixture {

    public final StudioViewModel vm;
    public final StudioView view;
    public final FxTaskRunner runner;

    private StudioFixture(StudioViewModel vm, StudioView view, FxTaskRunner runner) {
        this.vm = vm;
        this.view = view;
        this.runner = runner;
    }

    /**
     * Shows the studio on {@code stage} with data in {@code dataFolder}; {@code bundle} is the
     * folder the opener is asked to open at start-up. The first-run notice was dismissed before.
     */
    public static StudioFixture show(Stage stage, Path dataFolder, EngineOpener opener, Path bundle) throws Exception {
        return show(stage, dataFolder, opener, bundle, false);
    }

    /** As {@link #show(Stage, Path, EngineOpener, Path)}; {@code firstRun}: the notice was never dismissed. */
    public static StudioFixture show(Stage stage, Path dataFolder, EngineOpener opener, Path bundle, boolean firstRun)
            throws Exception {
        Files.createDirectories(dataFolder);
        Files.writeString(dataFolder.resolve("settings.json"),
                "{\"outputFolder\":\"" + dataFolder.resolve("output").toString().replace("\\", "\\\\") + "\","
                        + "\"lastBundle\":\"" + bundle.toString().replace("\\", "\\\\") + "\","
                        + "\"welcomeDismissed\":" + !firstRun + "}");
        Files.createDirectories(bundle);
        if (!Files.exists(bundle.resolve("manifest.json"))) {
            Files.writeString(bundle.resolve("manifest.json"), "{}");
        }
        FxTaskRunner runner = new FxTaskRunner();
        AtomicLong seeds = new AtomicLong(500);
        TaskRunner r = runner;
        BundleLocator locator = new BundleLocator(dataFolder.resolve("nowhere"), null, dataFolder.resolve("bundles"));
        StudioViewModel vm = new StudioViewModel(new StudioViewModel.Services(r, opener, dataFolder, locator,
                Clock.systemUTC(), seeds::incrementAndGet, new FakeDesktop()));
        StudioView view = new StudioView(vm);
        stage.setScene(view.createScene(1280, 800));
        stage.show();
        vm.start();
        return new StudioFixture(vm, view, runner);
    }

    public void close() {
        view.dispose();
        vm.shutdown();
        runner.shutdown(2000);
    }
}
