package dev.hartstudio.ui.create;

import dev.hartstudio.engine.PromptCheck;
import dev.hartstudio.ui.common.TaskRunner;
import dev.hartstudio.ui.engine.EngineModel;
import dev.hartstudio.ui.engine.StudioEngine;
import java.util.Optional;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * Tells, as the prompt is typed, what the loaded model will read of it: a token counter, a warning
 * when the prompt is truncated (quoting the part that is kept) or has words the model does not
 * know, and the refusal that disables Generate (a control character, a broken surrogate). The
 * tokenisation runs on the task runner, one at a time; the newest text always gets the last check.
 */
public final class PromptCheckViewModel {

    private final TaskRunner runner;
    private final EngineModel engine;
    private final ParametersViewModel parameters;
    private final ReadOnlyStringWrapper warning = new ReadOnlyStringWrapper(this, "warning");
    private final ReadOnlyStringWrapper refusal = new ReadOnlyStringWrapper(this, "refusal");
    private final ReadOnlyStringWrapper counter = new ReadOnlyStringWrapper(this, "counter", "");
    private final ReadOnlyBooleanWrapper over = new ReadOnlyBooleanWrapper(this, "over");
    private boolean inFlight;
    private boolean stale;

    public PromptCheckViewModel(TaskRunner runner, EngineModel engine, ParametersViewModel parameters) {
        this.runner = runner;
        this.engine = engine;
        this.parameters = parameters;
        parameters.promptProperty().addListener((o, a, b) -> request());
        engine.modelProperty().addListener((o, a, b) -> request());
        parameters.promptRefusalProperty().bind(refusal);
        request();
    }

    // Properties

    /** What the model will not read of the prompt (truncated tail, unknown words), or null. */
    public ReadOnlyStringProperty warningProperty() {
        return warning.getReadOnlyProperty();
    }

    /** Why the prompt cannot be used, or null; Generate is disabled while it is set. */
    public ReadOnlyStringProperty refusalProperty() {
        return refusal.getReadOnlyProperty();
    }

    /** {@code "12 / 24 tokens"}; empty without a model or prompt. */
    public ReadOnlyStringProperty counterProperty() {
        return counter.getReadOnlyProperty();
    }

    /** True when the prompt has more tokens than the model reads. */
    public ReadOnlyBooleanProperty overProperty() {
        return over.getReadOnlyProperty();
    }

    // Commands

    private void request() {
        if (inFlight) {
            stale = true;
            return;
        }
        Optional<StudioEngine> e = engine.engine();
        String prompt = parameters.promptProperty().get();
        if (e.isEmpty() || engine.getModel() == null || prompt == null || prompt.isEmpty()) {
            show(null);
            return;
        }
        inFlight = true;
        StudioEngine current = e.get();
        runner.submit(() -> current.checkPrompt(prompt), c -> done(prompt, c), failure -> done(prompt, null));
    }

    private void done(String prompt, PromptCheck check) {
        inFlight = false;
        if (stale || !prompt.equals(parameters.promptProperty().get())) {
            stale = false;
            request();
            return;
        }
        show(check);
    }

    private void show(PromptCheck c) {
        refusal.set(c == null ? null : c.refusal().orElse(null));
        warning.set(c == null || c.refusal().isPresent() ? null : c.message().orElse(null));
        counter.set(c == null || c.refusal().isPresent() ? "" : c.tokens() + " / " + c.maxTokens() + " tokens");
        over.set(c != null && c.truncated());
    }
}
