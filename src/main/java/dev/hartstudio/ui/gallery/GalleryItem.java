package dev.hartstudio.ui.gallery;

import dev.hartstudio.ui.create.GenerationParameters;
import java.nio.file.Path;

/**
 * One PNG of the output folder.
 *
 * @param file the image
 * @param modified last modification, epoch milliseconds
 * @param parameters the generation parameters in the file, or null when it has none
 * @param problem why the parameters could not be read, or null
 */
public record GalleryItem(Path file, long modified, GenerationParameters parameters, String problem) {

    /** The prompt, or the file name when the file has no parameters. */
    public String title() {
        return parameters != null && parameters.prompt() != null && !parameters.prompt().isBlank()
                ? parameters.prompt() : file.getFileName().toString();
    }
}
