package dev.hartstudio.ui.history;

import dev.hartstudio.bundle.Bundle;
import dev.hartstudio.engine.generate.GenerationResult;
import dev.hartstudio.ui.engine.ModelInfo;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes a generated image as PNG; the one place that knows the PNG metadata format's API. */
final class PngOutput {

    private PngOutput() {
    }

    static void write(Path file, GenerationResult result, int index, ModelInfo model, Bundle bundle)
            throws IOException {
        if (!ImageIO.write(result.images().get(index).toBufferedImage(), "png", file.toFile())) {
            throw new IOException("No PNG writer is available.");
        }
    }
}
