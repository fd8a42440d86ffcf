package dev.hartstudio.ui.queue;

import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.ui.create.ParameterRules;
import dev.hartstudio.ui.create.ParametersViewModel;
import java.util.ArrayList;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.IntegerBinding;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The queue page: plan prompt variations × a seed range with the create panel's other parameters,
 * and manage the jobs (reorder, cancel one or all, clear the finished).
 */
public final class QueueViewModel {

    /** Most jobs one click may add. */
    public static final int MAX_PLANNED = 500;

    private final GenerationQueue queue;
    private final ParametersViewModel parameters;
    private final StringProperty prompts = new SimpleStringProperty(this, "prompts", "");
    private final StringProperty seedFrom = new SimpleStringProperty(this, "seedFrom", "1");
    private final StringProperty seedTo = new SimpleStringProperty(this, "seedTo", "4");
    private final StringBinding seedError;
    private final IntegerBinding planned;
    private final BooleanBinding canEnqueue;

    public QueueViewModel(GenerationQueue queue, ParametersViewModel parameters) {
        this.queue = queue;
        this.parameters = parameters;
        seedError = Bindings.createStringBinding(() -> {
            String e = ParameterRules.checkSeed(seedFrom.get());
            if (e == null) {
                e = ParameterRules.checkSeed(seedTo.get());
            }
            if (e == null && ParameterRules.parseSeed(seedTo.get()) < ParameterRules.parseSeed(seedFrom.get())) {
                e = "Seeds: the last seed must not be smaller than the first";
            }
            return e;
        }, seedFrom, seedTo);
        planned = Bindings.createIntegerBinding(() -> {
            if (seedError.get() != null) {
                return 0;
            }
            long seeds = ParameterRules.parseSeed(seedTo.get()) - ParameterRules.parseSeed(seedFrom.get()) + 1;
            return (int) Math.min(Integer.MAX_VALUE, seeds * promptLines().size());
        }, seedError, prompts, parameters.promptProperty());
        canEnqueue = Bindings.createBooleanBinding(() -> planned.get() > 0 && planned.get() <= MAX_PLANNED
                && parameters.validBinding().get() && parameters.modelProperty().get() != null,
                planned, parameters.validBinding(), parameters.modelProperty());
    }

    // Properties

    public GenerationQueue queue() {
        return queue;
    }

    /** Prompt variations, one per line; empty uses the create panel's prompt. */
    public StringProperty promptsProperty() {
        return prompts;
    }

    public StringProperty seedFromProperty() {
        return seedFrom;
    }

    public StringProperty seedToProperty() {
        return seedTo;
    }

    /** Error shown at the seed range, or null. */
    public StringBinding seedErrorBinding() {
        return seedError;
    }

    /** How many jobs "Add to queue" would add. */
    public IntegerBinding plannedBinding() {
        return planned;
    }

    /** A plan of 1..{@value #MAX_PLANNED} jobs with valid parameters and a loaded model. */
    public BooleanBinding canEnqueueBinding() {
        return canEnqueue;
    }

    // Commands

    /** Queues every prompt with every seed of the range (prompt-major order); returns the jobs. */
    public List<GenerationJob> enqueuePlan() {
        if (!canEnqueue.get()) {
            return List.of();
        }
        long from = ParameterRules.parseSeed(seedFrom.get());
        long to = ParameterRules.parseSeed(seedTo.get());
        List<GenerationRequest> requests = new ArrayList<>();
        for (String p : promptLines()) {
            for (long s = from; s <= to; s++) {
                requests.add(parameters.request(p, s, null));
            }
        }
        return queue.enqueue(requests, 0);
    }

    public void cancel(GenerationJob job) {
        queue.cancel(job);
    }

    public void cancelAll() {
        queue.cancelAll();
    }

    public void moveUp(GenerationJob job) {
        queue.moveUp(job);
    }

    public void moveDown(GenerationJob job) {
        queue.moveDown(job);
    }

    public void clearFinished() {
        queue.clearFinished();
    }

    private List<String> promptLines() {
        List<String> lines = prompts.get().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return lines.isEmpty() ? List.of(parameters.promptProperty().get()) : lines;
    }
}
