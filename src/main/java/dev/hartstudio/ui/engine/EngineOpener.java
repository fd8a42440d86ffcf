package dev.hartstudio.ui.engine;

import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.ExecutionProvider;
import java.nio.file.Path;

/** Opens a bundle folder as a {@link StudioEngine}; blocking, called on the task runner. */
@FunctionalInterface
public interface EngineOpener {
    StudioEngine open(Path bundleFolder, ExecutionProvider requested) throws EngineException;
}
