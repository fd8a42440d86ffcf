package dev.hartstudio.persistence.export;

import dev.hartstudio.engine.generate.RgbImage;
import java.util.Objects;

/**
 * One image of an export with its caption.
 *
 * @param label text drawn under the image, e.g. {@code scale 3/10}; null is taken as empty
 */
public record Frame(RgbImage image, String label) {

    public Frame {
        Objects.requireNonNull(image, "image");
        label = label == null ? "" : label;
    }
}
