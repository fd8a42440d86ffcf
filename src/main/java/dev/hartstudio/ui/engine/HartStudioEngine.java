package dev.hartstudio.ui.engine;

import dev.hartstudio.bundle.Bundle;
import dev.hartstudio.bundle.BundleManifest;
import dev.hartstudio.engine.CancelToken;
import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.ExecutionProvider;
import dev.hartstudio.engine.HartEngine;
import dev.hartstudio.engine.PromptCheck;
import dev.hartstudio.engine.generate.GenerationControl;
import dev.hartstudio.engine.generate.GenerationListener;
import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.engine.generate.GenerationResult;
import dev.hartstudio.engine.generate.ReconstructionResult;
import dev.hartstudio.engine.image.FitMode;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/** {@link StudioEngine} over the real {@link HartEngine} facade. */
public final class HartStudioEngine implements StudioEngine {

    private final HartEngine engine;
    private final ModelInfo model;

    private HartStudioEngine(HartEngine engine) {
        this.engine = engine;
        BundleManifest m = engine.bundle().manifest();
        this.model = new ModelInfo(m.name(), m.description(), engine.bundle().folder(), m.model().resolution(),
                m.model().patchNums(), m.model().codebookSize(), m.samplingDefaults(),
                engine.provider().actual().toString(), engine.provider().reason(), engine.provider().usesCuda());
    }

    /** Opens {@code folder}; the {@link EngineOpener} of the app. */
    public static StudioEngine open(Path folder, ExecutionProvider requested) throws EngineException {
        return new HartStudioEngine(HartEngine.open(folder, requested));
    }

    @Override
    public ModelInfo model() {
        return model;
    }

    /** The validated bundle (for PNG metadata). */
    @Override
    public Bundle bundle() {
        return engine.bundle();
    }

    @Override
    public GenerationResult generate(GenerationRequest request, GenerationListener listener, GenerationControl control)
            throws EngineException {
        return engine.generate(request, listener, control);
    }

    @Override
    public PromptCheck checkPrompt(String prompt) throws EngineException {
        return engine.checkPrompt(prompt);
    }

    @Override
    public ReconstructionResult reconstruct(BufferedImage image, FitMode fit, CancelToken cancel)
            throws EngineException {
        return engine.reconstruct(image, fit, cancel);
    }

    @Override
    public void close() throws EngineException {
        engine.close();
    }
}
