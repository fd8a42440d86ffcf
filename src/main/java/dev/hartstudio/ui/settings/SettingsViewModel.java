package dev.hartstudio.ui.settings;

import dev.hartstudio.engine.generate.PreviewMode;
import dev.hartstudio.persistence.settings.Settings;
import dev.hartstudio.persistence.settings.SettingsStore;
import dev.hartstudio.ui.common.ErrorReporter;
import dev.hartstudio.ui.common.TaskRunner;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.ObjectBinding;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * The user's settings, persisted on every change (in the background): output folder, preview mode,
 * provider preference, theme, bundles opened before and the window size.
 */
public final class SettingsViewModel {

    private final SettingsStore store;
    private final TaskRunner runner;
    private final ErrorReporter errors;
    private final ReadOnlyObjectWrapper<Settings> settings = new ReadOnlyObjectWrapper<>(this, "settings");
    private final BooleanBinding dark;
    private final ObjectBinding<Path> outputFolder;

    public SettingsViewModel(SettingsStore store, Settings initial, TaskRunner runner, ErrorReporter errors) {
        this.store = store;
        this.runner = runner;
        this.errors = errors;
        settings.set(initial);
        dark = Bindings.createBooleanBinding(() -> Settings.DARK.equals(settings.get().theme()), settings);
        outputFolder = Bindings.createObjectBinding(() -> Path.of(settings.get().outputFolder()), settings);
    }

    // Properties

    /** The current settings (immutable; changed through {@link #update}). */
    public ReadOnlyObjectProperty<Settings> settingsProperty() {
        return settings.getReadOnlyProperty();
    }

    public Settings get() {
        return settings.get();
    }

    /** Whether the dark theme is on. */
    public BooleanBinding darkBinding() {
        return dark;
    }

    /** Where finished images go. */
    public ObjectBinding<Path> outputFolderBinding() {
        return outputFolder;
    }

    /** The preview mode setting as the engine's enum. */
    public PreviewMode previewMode() {
        return PreviewMode.valueOf(settings.get().previewMode());
    }

    // Commands

    /** Applies {@code change} and saves the result in the background (unchanged settings are not written). */
    public void update(UnaryOperator<Settings> change) {
        Settings next = change.apply(settings.get());
        if (next.equals(settings.get())) {
            return;
        }
        settings.set(next);
        runner.submit(() -> {
            store.save(next);
            return null;
        }, ok -> { }, e -> errors.report("The settings could not be saved.", e));
    }

    public void toggleTheme() {
        update(s -> s.withTheme(Settings.DARK.equals(s.theme()) ? Settings.LIGHT : Settings.DARK));
    }
}
