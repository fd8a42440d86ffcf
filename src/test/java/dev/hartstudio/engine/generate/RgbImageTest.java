package dev.hartstudio.engine.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RgbImageTest {

    /** The rounding {@link RgbImage#to8} replaces. */
    private static int reference(float v) {
        return (int) Math.max(0, Math.min(255, Math.round(v * 255.0)));
    }

    @Test
    void to8RoundsExactlyAsMathRoundAtEveryHalfStep() {
        for (int step = -2; step <= 258; step++) {
            double half = (step + 0.5) / 255.0;
            float at = (float) half;
            for (float v : new float[] {at, Math.nextDown(at), Math.nextUp(at), (float) (step / 255.0)}) {
                assertEquals(reference(v), RgbImage.to8(v), "v = " + v);
            }
        }
    }

    @Test
    void to8MatchesMathRoundOnRandomAndSpecialValues() {
        Random r = new Random(6);
        for (int i = 0; i < 200_000; i++) {
            float v = (float) (r.nextDouble() * 1.4 - 0.2);
            assertEquals(reference(v), RgbImage.to8(v), "v = " + v);
        }
        float[] special = {Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -0f, 0f, Float.MIN_VALUE,
            -Float.MIN_VALUE, 1f, Math.nextUp(1f), Float.MAX_VALUE, 0.49999997f / 255f};
        for (float v : special) {
            assertEquals(reference(v), RgbImage.to8(v), "v = " + v);
        }
    }
}
