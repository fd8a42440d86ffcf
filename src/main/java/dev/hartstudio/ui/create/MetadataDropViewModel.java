package dev.hartstudio.ui.create;

import dev.hartstudio.persistence.png.ImageParameters;
import dev.hartstudio.persistence.png.PngMetadata;
import dev.hartstudio.ui.common.ErrorReporter;
import dev.hartstudio.ui.common.TaskRunner;
import java.nio.file.Path;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * A PNG dropped on the window: its parameters are read (ours, or A1111-style text) and offered for
 * recall with or without the seed. Unreadable or missing metadata is reported, never guessed.
 */
public final class MetadataDropViewModel {

    /** Parameters found in a file, waiting for the user's choice. */
    public record Found(Path file, String source, GenerationParameters parameters) {
    }

    private final TaskRunner runner;
    private final ErrorReporter errors;
    private final ParametersViewModel target;
    private final ReadOnlyObjectWrapper<Found> found = new ReadOnlyObjectWrapper<>(this, "found");
    private final StringBinding summary;

    public MetadataDropViewModel(TaskRunner runner, ErrorReporter errors, ParametersViewModel target) {
        this.runner = runner;
        this.errors = errors;
        this.target = target;
        summary = Bindings.createStringBinding(() -> {
            Found f = found.get();
            if (f == null) {
                return "";
            }
            GenerationParameters p = f.parameters();
            String prompt = p.prompt() == null ? "" : p.prompt();
            if (prompt.length() > 60) {
                prompt = prompt.substring(0, 57) + "…";
            }
            return f.file().getFileName() + " (" + f.source() + "): \"" + prompt + "\""
                    + (p.seed() == null ? "" : " · seed " + p.seed())
                    + (p.cfg() == null ? "" : " · CFG " + ParameterRules.formatNumber(p.cfg()));
        }, found);
    }

    // Properties

    /** Parameters read from the last dropped file, until recalled or dismissed. */
    public ReadOnlyObjectProperty<Found> foundProperty() {
        return found.getReadOnlyProperty();
    }

    /** One line describing what was found. */
    public StringBinding summaryBinding() {
        return summary;
    }

    // Commands

    /** Reads {@code file}'s parameters in the background. */
    public void read(Path file) {
        runner.submit(() -> {
            ImageParameters p = PngMetadata.read(file);
            return new Found(file, ParameterImport.source(p), ParameterImport.of(p));
        }, found::set, e -> {
            found.set(null);
            errors.report("No parameters could be restored.", e);
        });
    }

    /** Fills the create panel with everything found. */
    public void recallAll() {
        recall(true);
    }

    /** Fills the create panel with everything but the seed. */
    public void recallAllButSeed() {
        recall(false);
    }

    public void dismiss() {
        found.set(null);
    }

    private void recall(boolean includeSeed) {
        Found f = found.get();
        if (f != null) {
            target.recall(f.parameters(), includeSeed);
            found.set(null);
        }
    }
}
