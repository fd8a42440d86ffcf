package dev.hartstudio.engine.generate;

import java.awt.image.BufferedImage;

/**
 * An sRGB image as packed ARGB pixels, row-major. The engine's output type: no JavaFX here; the UI
 * converts with {@code PixelBuffer}/{@code WritableImage}, the CLI with {@link #toBufferedImage()}.
 *
 * @param width pixels per row
 * @param height rows
 * @param argb {@code [height * width]} packed 0xAARRGGBB, alpha always 0xFF
 */
public record RgbImage(int width, int height, int[] argb) {

    public RgbImage {
        if (argb.length != width * height) {
            throw new IllegalArgumentException("argb has " + argb.length + " pixels, expected " + width * height);
        }
    }

    /** From planar floats {@code [3, h, w]} in [0, 1] at {@code offset}, rounded to nearest. */
    public static RgbImage fromPlanar(float[] chw, int offset, int width, int height) {
        int n = width * height;
        int[] px = new int[n];
        for (int i = 0; i < n; i++) {
            int r = to8(chw[offset + i]);
            int g = to8(chw[offset + n + i]);
            int b = to8(chw[offset + 2 * n + i]);
            px[i] = 0xFF000000 | (r << 16) | (g << 8) | b;
        }
        return new RgbImage(width, height, px);
    }

    /**
     * {@code clamp(Math.round(v · 255), 0, 255)}, without {@code Math.round}'s general path and
     * without branches (a decoded image's values straddle 0 and 1, so clamping branches mispredict):
     * the product of a float and 255 is exact in a double, and so is adding 0.5 to it below 2^52, so
     * truncating the sum rounds as {@code Math.round} for every value that is not clamped; a sum
     * below 1 truncates to 0 or a negative int (cleared by the sign mask), NaN converts to 0 and
     * huge values to {@code Integer.MAX_VALUE} (then 255).
     */
    static int to8(float v) {
        int i = (int) (v * 255.0 + 0.5);
        i &= ~(i >> 31);
        return Math.min(i, 255);
    }

    public BufferedImage toBufferedImage() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, width, height, argb, 0, width);
        return img;
    }

    public static RgbImage of(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] px = img.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < px.length; i++) {
            px[i] |= 0xFF000000;
        }
        return new RgbImage(w, h, px);
    }
}
