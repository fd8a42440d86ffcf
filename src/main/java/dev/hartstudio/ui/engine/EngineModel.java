package dev.hartstudio.ui.engine;

import dev.hartstudio.engine.ExecutionProvider;
import dev.hartstudio.ui.common.TaskRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * The loaded engine: opens bundles in the background, swaps the engine in when ready and closes the
 * old one. Properties change on the UI thread only.
 */
public final class EngineModel {

    /** Where the model stands. */
    public enum State { NONE, LOADING, READY, FAILED }

    private final TaskRunner runner;
    private final EngineOpener opener;
    private final ReadOnlyObjectWrapper<State> state = new ReadOnlyObjectWrapper<>(this, "state", State.NONE);
    private final ReadOnlyObjectWrapper<ModelInfo> model = new ReadOnlyObjectWrapper<>(this, "model");
    private final ReadOnlyStringWrapper statusText = new ReadOnlyStringWrapper(this, "statusText", "No model loaded");
    private final List<Consumer<Path>> openedListeners = new ArrayList<>();
    private StudioEngine engine;
    private int generation;

    public EngineModel(TaskRunner runner, EngineOpener opener) {
        this.runner = runner;
        this.opener = opener;
    }

    // Properties

    /** NONE before the first open, LOADING while opening, READY with a model, FAILED when none could load. */
    public ReadOnlyObjectProperty<State> stateProperty() {
        return state.getReadOnlyProperty();
    }

    /** The loaded model, or null. */
    public ReadOnlyObjectProperty<ModelInfo> modelProperty() {
        return model.getReadOnlyProperty();
    }

    /** One line for the status bar and the empty state: what is loaded, loading or why nothing is. */
    public ReadOnlyStringProperty statusTextProperty() {
        return statusText.getReadOnlyProperty();
    }

    /** True when a model is ready to generate. */
    public BooleanBinding readyBinding() {
        return Bindings.equal(state, State.READY);
    }

    public ModelInfo getModel() {
        return model.get();
    }

    public State getState() {
        return state.get();
    }

    /** The engine to run work on, if one is loaded. */
    public Optional<StudioEngine> engine() {
        return Optional.ofNullable(engine);
    }

    // Commands

    /** Called with the folder each time a bundle opens successfully (settings remember it). */
    public void onOpened(Consumer<Path> listener) {
        openedListeners.add(listener);
    }

    /**
     * Opens the first bundle of {@code candidates} that loads; {@code onFailure} gets the last error
     * when none does (the model stays as it was).
     */
    public void open(List<Path> candidates, ExecutionProvider provider, Consumer<Throwable> onFailure) {
        if (candidates.isEmpty()) {
            state.set(engine == null ? State.FAILED : State.READY);
            statusText.set(engine == null ? "No model found" : statusText.get());
            return;
        }
        int ticket = ++generation;
        state.set(State.LOADING);
        statusText.set("Loading " + candidates.get(0).getFileName() + "…");
        List<Exception> failures = new ArrayList<>();
        runner.submit(() -> {
            for (Path folder : candidates) {
                try {
                    return opener.open(folder, provider);
                } catch (Exception e) {
                    failures.add(e);
                }
            }
            throw failures.get(failures.size() - 1);
        }, opened -> {
            if (ticket != generation) {
                closeQuietly(opened);
                return;
            }
            StudioEngine old = engine;
            engine = opened;
            model.set(opened.model());
            state.set(State.READY);
            statusText.set(opened.model().name());
            if (old != null) {
                runner.submit(() -> {
                    old.close();
                    return null;
                }, ignored -> { }, ignored -> { });
            }
            openedListeners.forEach(l -> l.accept(opened.model().folder()));
        }, failure -> {
            if (ticket != generation) {
                return;
            }
            state.set(engine == null ? State.FAILED : State.READY);
            statusText.set(engine == null ? "No model loaded" : engine.model().name());
            onFailure.accept(failure);
        });
    }

    /** Closes the engine (blocks until a generation in flight has stopped); for shutdown. */
    public void closeNow() {
        generation++;
        StudioEngine old = engine;
        engine = null;
        if (old != null) {
            closeQuietly(old);
        }
    }

    private static void closeQuietly(StudioEngine e) {
        try {
            e.close();
        } catch (Exception ignored) {
            // Shutting down: nothing useful to show.
        }
    }
}
