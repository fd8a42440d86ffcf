package dev.hartstudio.ui.engine;

import dev.hartstudio.bundle.Bundle;
import dev.hartstudio.engine.ExecutionProvider;
import dev.hartstudio.ui.common.ErrorReporter;
import dev.hartstudio.ui.common.TaskRunner;
import dev.hartstudio.ui.settings.SettingsViewModel;
import java.nio.file.Path;
import java.util.List;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The bundle picker: which bundles are offered, opening one, importing a folder, and the start-up
 * choice (embedded model, else the last one used).
 */
public final class ModelPickerViewModel {

    private final EngineModel engine;
    private final BundleLocator locator;
    private final SettingsViewModel settings;
    private final TaskRunner runner;
    private final ErrorReporter errors;
    private final ObservableList<BundleChoice> choices = FXCollections.observableArrayList();

    public ModelPickerViewModel(EngineModel engine, BundleLocator locator, SettingsViewModel settings,
            TaskRunner runner, ErrorReporter errors) {
        this.engine = engine;
        this.locator = locator;
        this.settings = settings;
        this.runner = runner;
        this.errors = errors;
        engine.onOpened(folder -> {
            settings.update(s -> s.withBundleOpened(folder.toString()));
            refresh();
        });
    }

    // Properties

    /** Bundles to pick from. */
    public ObservableList<BundleChoice> choices() {
        return choices;
    }

    public EngineModel engine() {
        return engine;
    }

    // Commands

    /** Opens the embedded model, else the last one used; shows why when none loads. */
    public void startup() {
        refresh();
        List<Path> candidates = locator.startupCandidates(settings.get().lastBundle());
        if (candidates.isEmpty()) {
            engine.open(List.of(), provider(), e -> { });
            return;
        }
        engine.open(candidates, provider(), e -> errors.report("No model could be opened.", e));
    }

    /** Re-reads the bundle list (background). */
    public void refresh() {
        List<String> recent = settings.get().recentBundles();
        runner.submit(() -> locator.choices(recent), choices::setAll,
                e -> errors.report("The bundle list could not be read.", e));
    }

    /** Opens {@code folder} in place of the current model. */
    public void open(Path folder) {
        ModelInfo current = engine.getModel();
        if (current != null && current.folder().equals(folder.toAbsolutePath().normalize())) {
            return;
        }
        engine.open(List.of(folder), provider(),
                e -> errors.report("The bundle " + folder.getFileName() + " could not be opened.", e));
    }

    /** Validates {@code folder}, copies it into the data folder and opens the copy. */
    public void importBundle(Path folder) {
        runner.submit(() -> {
            Bundle.open(folder);
            return locator.importBundle(folder);
        }, this::open, e -> errors.report("The bundle could not be imported.", e));
    }

    /** Reopens the current bundle with the provider preference of the settings. */
    public void reopenWithProvider() {
        ModelInfo current = engine.getModel();
        if (current != null) {
            engine.open(List.of(current.folder()), provider(),
                    e -> errors.report("The model could not be reopened.", e));
        }
    }

    /** The provider preference; an unreadable one falls back to auto. */
    public ExecutionProvider provider() {
        try {
            return ExecutionProvider.parse(settings.get().provider());
        } catch (IllegalArgumentException e) {
            return ExecutionProvider.AUTO;
        }
    }
}
