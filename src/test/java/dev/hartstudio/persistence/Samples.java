package dev.hartstudio.persistence;

import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.persistence.history.HistoryEntry;
import dev.hartstudio.persistence.png.GenerationMetadata;
import java.awt.image.BufferedImage;
import java.util.List;

/** Small history entries, images and PNG metadata for the persistence tests and their child processes. */
public final class Samples {

    private Samples() {
    }

    /** A complete entry with the given id; its prompt and seed are derived from it. */
    public static HistoryEntry entry(String id) {
        return new HistoryEntry(id, System.currentTimeMillis(), "a red cube " + id, id.hashCode(), 4.5,
                List.of(600, 300), 0.0, true, false, "LATENT_RGB", 0, "tiny", "/bundles/tiny", "cpu", 32, 32, -1,
                new HistoryEntry.StageTimings(1.5, List.of(2.0, 3.0), List.of(1.0), 4.0, 12.0),
                "/out/" + id + ".png", null, null, null, null);
    }

    /** A {@code size x size} picture that differs with {@code seed}. */
    public static BufferedImage picture(int size, long seed) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                img.setRGB(x, y, (int) ((x * 7919 + y * 104729 + seed * 31) & 0xFFFFFF));
            }
        }
        return img;
    }

    public static RgbImage rgb(int size, long seed) {
        return RgbImage.of(picture(size, seed));
    }

    /** The metadata of a {@code size x size} image made from {@code prompt} with {@code seed}. */
    public static GenerationMetadata metadata(String prompt, long seed, int size) {
        return new GenerationMetadata(prompt, seed, 0, 1, 3.5, List.of(60, 60, 60, 30), 0.25, false, true, false,
                "LATENT_RGB", null, 4, -1, 0, size, size, "fake", "0123456789abcdef", "cpu", "1.29.0", "hart-rng-v1",
                "test", null);
    }
}
