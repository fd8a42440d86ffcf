package dev.hartstudio.ui.engine;

import dev.hartstudio.bundle.Bundle;
import dev.hartstudio.engine.CancelToken;
import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.PromptCheck;
import dev.hartstudio.engine.generate.GenerationControl;
import dev.hartstudio.engine.generate.GenerationListener;
import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.engine.generate.GenerationResult;
import dev.hartstudio.engine.generate.ReconstructionResult;
import dev.hartstudio.engine.image.FitMode;
import java.awt.image.BufferedImage;

/**
 * The engine as the studio uses it: the facade's calls behind an interface, so view models can be
 * tested with a scripted engine. Calls block; the studio makes them on its task runner only.
 */
public interface StudioEngine extends AutoCloseable {

    /** The loaded model and its provider. */
    ModelInfo model();

    /** Generates; events arrive on the calling thread. */
    GenerationResult generate(GenerationRequest request, GenerationListener listener, GenerationControl control)
            throws EngineException;

    /** What the model will read of {@code prompt}, or why it is refused; cheap, callable during a generation. */
    PromptCheck checkPrompt(String prompt) throws EngineException;

    /** Encodes and reconstructs {@code image} (fitted to the model resolution with {@code fit}). */
    ReconstructionResult reconstruct(BufferedImage image, FitMode fit, CancelToken cancel) throws EngineException;

    /** The validated bundle, for PNG metadata; null for engines that have none (tests). */
    default Bundle bundle() {
        return null;
    }

    /** Frees the model; waits for a generation in flight. */
    @Override
    void close() throws EngineException;
}
