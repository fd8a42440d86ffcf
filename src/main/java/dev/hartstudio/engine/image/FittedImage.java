package dev.hartstudio.engine.image;

import dev.hartstudio.engine.generate.RgbImage;

/**
 * An image made square for the model, with a one-line account of what was done to it.
 *
 * @param image {@code R x R} pixels
 * @param description e.g. {@code 1920×1080 JPEG, centre-cropped to 1080×1080, downscaled to 128×128}
 */
public record FittedImage(RgbImage image, String description) {
}
