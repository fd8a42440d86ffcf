package dev.hartstudio.ui.common;

import dev.hartstudio.engine.generate.RgbImage;
import java.util.Map;
import java.util.WeakHashMap;
import javafx.scene.image.Image;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;

/** Converts engine images to JavaFX images, once per image (FX thread). */
public final class FxImages {

    // RgbImage compares its pixel array by identity, so this caches per image object.
    private static final Map<RgbImage, Image> CACHE = new WeakHashMap<>();

    private FxImages() {
    }

    /** The JavaFX image of {@code image}, or null for null. */
    public static Image toFx(RgbImage image) {
        if (image == null) {
            return null;
        }
        return CACHE.computeIfAbsent(image, FxImages::convert);
    }

    private static Image convert(RgbImage image) {
        WritableImage out = new WritableImage(image.width(), image.height());
        out.getPixelWriter().setPixels(0, 0, image.width(), image.height(), PixelFormat.getIntArgbInstance(),
                image.argb(), 0, image.width());
        return out;
    }
}
