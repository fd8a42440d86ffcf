package dev.hartstudio.ui.history;

import dev.hartstudio.bundle.Bundle;
import dev.hartstudio.engine.HartEngine;
import dev.hartstudio.engine.generate.GenerationResult;
import dev.hartstudio.persistence.png.AtomicWrite;
import dev.hartstudio.persistence.png.GenerationMetadata;
import dev.hartstudio.persistence.png.PngMetadata;
import dev.hartstudio.ui.engine.ModelInfo;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes a generated image as PNG with its parameters (A1111 text and the full JSON). */
final class PngOutput {

    private PngOutput() {
    }

    /** The app version recorded in the metadata. */
    static String appVersion() {
        String v = PngOutput.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * Writes image {@code index} of {@code result} as a new file {@code BASE.png} in {@code folder}
     * (or {@code BASE-2.png}, ... : an existing file is never replaced), atomically.
     *
     * @return the file written
     */
    static Path writeNew(AtomicWrite writer, Path folder, String base, GenerationResult result, int index,
                         ModelInfo model, Bundle bundle) throws IOException {
        if (bundle == null) {
            // Engines without a bundle (scripted test engines): the image alone.
            return writer.saveNew(folder, base, ".png", out -> {
                if (!ImageIO.write(result.images().get(index).toBufferedImage(), "png", out)) {
                    throw new IOException("No PNG writer is available.");
                }
            });
        }
        GenerationMetadata metadata = GenerationMetadata.of(result, index, bundle, model.provider(),
                HartEngine.ortVersion(), appVersion());
        return PngMetadata.writeNew(writer, folder, base, result.images().get(index), metadata);
    }
}
