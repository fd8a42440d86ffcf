package dev.hartstudio.ui;

import dev.hartstudio.engine.BuildInfo;
import dev.hartstudio.engine.DriverProbe;
import dev.hartstudio.engine.Flavour;
import dev.hartstudio.persistence.settings.DataFolder;
import dev.hartstudio.persistence.settings.Settings;
import dev.hartstudio.ui.common.AwtDesktopActions;
import dev.hartstudio.ui.common.FxTaskRunner;
import dev.hartstudio.ui.engine.BundleLocator;
import dev.hartstudio.ui.engine.HartStudioEngine;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import javafx.application.Application;
import javafx.stage.Stage;

/** The HART Studio window. {@code ./hart-studio} with no arguments starts it through {@link #launch(String[])}. */
public final class StudioApp extends Application {

    private FxTaskRunner runner;
    private StudioViewModel vm;
    private StudioView view;

    /** Starts the JavaFX application (blocks until the window closes). */
    public static void launch(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        Application.launch(StudioApp.class, args);
    }

    @Override
    public void start(Stage stage) {
        Path data = DataFolder.resolve();
        runner = new FxTaskRunner();
        SecureRandom random = new SecureRandom();
        BundleLocator locator = new BundleLocator(Path.of("").toAbsolutePath(), BundleLocator.applicationFolder(),
                data.resolve("bundles"));
        BuildInfo build = BuildInfo.current();
        String hint = build.flavour().hint(System.getenv(Flavour.ENV), DriverProbe.system().probe().found());
        vm = new StudioViewModel(new StudioViewModel.Services(runner, HartStudioEngine::open, data, locator,
                Clock.systemDefaultZone(), random::nextLong, new AwtDesktopActions(), build, hint));
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            if (javafx.application.Platform.isFxApplicationThread()) {
                vm.errors().report("Something went wrong.", e);
            } else {
                vm.errors().log("Uncaught on " + t.getName(), e.toString());
            }
        });
        view = new StudioView(vm);
        Settings s = vm.settings().get();
        stage.setScene(view.createScene(s.windowWidth() > 0 ? s.windowWidth() : 1440,
                s.windowHeight() > 0 ? s.windowHeight() : 900));
        stage.setTitle("HART Studio");
        stage.setMinWidth(960);
        stage.setMinHeight(640);
        stage.show();
        vm.start();
        String demo = System.getProperty("hartstudio.demo");
        if (demo != null) {
            new ScreenshotTour(stage, view, vm, Path.of(demo)).start();
        }
    }

    @Override
    public void stop() {
        if (view != null) {
            view.dispose();
            var w = view.getScene().getWindow();
            vm.settings().update(s -> s.withWindowSize(w.getWidth(), w.getHeight()));
        }
        if (vm != null) {
            vm.shutdown();
        }
        if (runner != null) {
            runner.shutdown(3000);
        }
    }
}
