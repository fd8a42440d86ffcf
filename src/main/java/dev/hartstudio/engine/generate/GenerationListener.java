package dev.hartstudio.engine.generate;

/** Receives events on the generating thread; implementations hand off quickly (UI: coalesce). */
@FunctionalInterface
public interface GenerationListener {
    void onEvent(GenerationEvent event);

    GenerationListener NONE = e -> { };
}
