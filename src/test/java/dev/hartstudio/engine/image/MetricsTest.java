package dev.hartstudio.engine.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.engine.generate.RgbImage;
import java.util.function.IntBinaryOperator;
import org.junit.jupiter.api.Test;

class MetricsTest {

    private static final int W = 32;
    private static final int H = 24;

    /** The pattern of the numpy reference: r = (7x + 13y) % 256, g = (x² + 3y) % 256, b = xy % 256. */
    private static RgbImage pattern() {
        return image(W, H, (x, y) -> rgb((x * 7 + y * 13) % 256, (x * x + 3 * y) % 256, (x * y) % 256));
    }

    /** The pattern plus noise (31x + 17y + 5c) % 21 - 10 on channel c, clamped to 0..255. */
    private static RgbImage noisyPattern() {
        return image(W, H, (x, y) -> {
            int[] c = {(x * 7 + y * 13) % 256, (x * x + 3 * y) % 256, (x * y) % 256};
            for (int k = 0; k < 3; k++) {
                c[k] = Math.max(0, Math.min(255, c[k] + (x * 31 + y * 17 + k * 5) % 21 - 10));
            }
            return rgb(c[0], c[1], c[2]);
        });
    }

    @Test
    void psnrOfIdenticalImagesIsInfinite() {
        assertEquals(Double.POSITIVE_INFINITY, Metrics.psnr(pattern(), pattern()));
    }

    @Test
    void psnrOfUniformErrorOfFiveIsTwentyLog10Of51() {
        RgbImage a = image(8, 8, (x, y) -> rgb(100, 100, 100));
        RgbImage b = image(8, 8, (x, y) -> (x + y) % 2 == 0 ? rgb(105, 95, 105) : rgb(95, 105, 95));
        assertEquals(20 * Math.log10(51), Metrics.psnr(a, b), 1e-12);
        assertEquals(34.1514, Metrics.psnr(a, b), 1e-4);
    }

    @Test
    void psnrMatchesNumpyReferenceOnNoisyPattern() {
        assertEquals(32.620138777126, Metrics.psnr(pattern(), noisyPattern()), 1e-9);
    }

    @Test
    void ssimOfIdenticalImagesIsOne() {
        assertEquals(1.0, Metrics.ssim(pattern(), pattern()), 1e-12);
    }

    @Test
    void ssimOfConstantImagesIsTheLuminanceTerm() {
        RgbImage a = image(16, 16, (x, y) -> rgb(100, 100, 100));
        RgbImage b = image(16, 16, (x, y) -> rgb(110, 110, 110));
        double c1 = 6.5025;
        double expected = (2 * 100 * 110 + c1) / (100 * 100 + 110 * 110 + c1);
        assertEquals(expected, Metrics.ssim(a, b), 1e-9);
        assertEquals(0.9954764440915066, Metrics.ssim(a, b), 1e-9);
    }

    @Test
    void ssimOfShiftedTextureMatchesNumpyReference() {
        RgbImage a = image(W, H, (x, y) -> grey((x * 5 + y * 3) % 200));
        RgbImage b = image(W, H, (x, y) -> grey((x * 5 + y * 3) % 200 + 20));
        assertEquals(0.982494003902392, Metrics.ssim(a, b), 1e-9);
    }

    @Test
    void ssimMatchesNumpyReferenceOnNoisyPattern() {
        assertEquals(0.993320562666333, Metrics.ssim(pattern(), noisyPattern()), 1e-9);
    }

    @Test
    void ssimRefusesImagesSmallerThanTheWindow() {
        RgbImage small = image(10, 20, (x, y) -> 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Metrics.ssim(small, small));
        assertTrue(e.getMessage().contains("11x11"), e.getMessage());
    }

    @Test
    void metricsRefuseImagesOfDifferentSizes() {
        assertThrows(IllegalArgumentException.class, () -> Metrics.psnr(image(4, 4, (x, y) -> 0), image(4, 5, (x, y) -> 0)));
    }

    @Test
    void absErrorMapIsMeanChannelDifferenceOver255() {
        RgbImage a = image(2, 1, (x, y) -> x == 0 ? rgb(0, 0, 0) : rgb(10, 20, 30));
        RgbImage b = image(2, 1, (x, y) -> x == 0 ? rgb(255, 255, 255) : rgb(40, 20, 0));
        assertArrayEquals(new float[] {1f, 60f / 765f}, Metrics.absErrorMap(a, b), 1e-7f);
    }

    @Test
    void heatMapsZeroAndMaxToTheEndsOfViridis() {
        RgbImage heat = Metrics.heat(new float[] {0f, 0.5f, 0.5f * 128 / 255, 2f}, 2, 2, 0.5f);
        assertEquals(0xFF440154, heat.argb()[0]);
        assertEquals(0xFFFDE725, heat.argb()[1]);
        assertEquals(0xFF21918C, heat.argb()[2]);
        assertEquals(0xFFFDE725, heat.argb()[3], "values above max are clamped");
    }

    @Test
    void heatMapsNaNNegativeAndZeroMaxToTheLowEnd() {
        assertArrayEquals(new int[] {0xFF440154, 0xFF440154}, Metrics.heat(new float[] {Float.NaN, -1f}, 2, 1, 1f).argb());
        assertArrayEquals(new int[] {0xFF440154}, Metrics.heat(new float[] {0.3f}, 1, 1, 0f).argb());
    }

    @Test
    void heatInterpolatesBetweenTableEntries() {
        int mid = Metrics.colour(8.0 / 255);
        // halfway between 0x440154 and 0x48186A: (70, 12.5, 95)
        assertEquals(0xFF, mid >>> 24);
        assertEquals(70, (mid >> 16) & 0xFF);
        assertEquals(12.5, (mid >> 8) & 0xFF, 0.5);
        assertEquals(95, mid & 0xFF);
    }

    @Test
    void colorbarRunsLowToHighLeftToRightWhenWide() {
        RgbImage bar = Metrics.colorbar(5, 2);
        assertEquals(0xFF440154, bar.argb()[0]);
        assertEquals(0xFFFDE725, bar.argb()[4]);
        assertEquals(Metrics.colour(0.5), bar.argb()[2]);
        assertEquals(bar.argb()[1], bar.argb()[6], "both rows are the same");
    }

    @Test
    void colorbarRunsLowToHighBottomToTopWhenTall() {
        RgbImage bar = Metrics.colorbar(1, 3);
        assertEquals(0xFFFDE725, bar.argb()[0]);
        assertEquals(0xFF440154, bar.argb()[2]);
    }

    static RgbImage image(int w, int h, IntBinaryOperator rgbAt) {
        int[] px = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                px[y * w + x] = 0xFF000000 | rgbAt.applyAsInt(x, y);
            }
        }
        return new RgbImage(w, h, px);
    }

    static int rgb(int r, int g, int b) {
        return (r << 16) | (g << 8) | b;
    }

    static int grey(int v) {
        return rgb(v, v, v);
    }
}
