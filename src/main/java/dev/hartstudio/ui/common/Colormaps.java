package dev.hartstudio.ui.common;

import dev.hartstudio.engine.generate.RgbImage;

/** Maps scalar fields to colour images (perceptual "inferno"-like ramp) and tokens to colours. */
public final class Colormaps {

    // Control points of a dark-purple → red → yellow ramp (inferno-like), evenly spaced.
    private static final int[] RAMP = {0x000004, 0x320A5E, 0x781C6D, 0xBA3655, 0xED6925, 0xFBB61A, 0xFCFFA4};

    private Colormaps() {
    }

    /** Colour of {@code t} in 0..1 (clamped) on the heat ramp. */
    public static int heat(double t) {
        double x = Math.max(0, Math.min(1, Double.isNaN(t) ? 0 : t)) * (RAMP.length - 1);
        int i = Math.min(RAMP.length - 2, (int) x);
        double f = x - i;
        int a = RAMP[i];
        int b = RAMP[i + 1];
        int r = (int) Math.round(((a >> 16) & 255) * (1 - f) + ((b >> 16) & 255) * f);
        int g = (int) Math.round(((a >> 8) & 255) * (1 - f) + ((b >> 8) & 255) * f);
        int bl = (int) Math.round((a & 255) * (1 - f) + (b & 255) * f);
        return 0xFF000000 | (r << 16) | (g << 8) | bl;
    }

    /**
     * {@code values} ({@code [height * width]}, row-major) as a heat image, scaled so that
     * {@code max} is the top colour; {@code max <= 0} uses the largest value.
     */
    public static RgbImage heatImage(float[] values, int width, int height, double max) {
        double top = max;
        if (top <= 0) {
            for (float v : values) {
                top = Math.max(top, v);
            }
        }
        int[] px = new int[width * height];
        for (int i = 0; i < px.length; i++) {
            px[i] = heat(top <= 0 ? 0 : values[i] / top);
        }
        return new RgbImage(width, height, px);
    }

    /** A square heat image from a square field (side = sqrt(length)). */
    public static RgbImage squareHeatImage(float[] values) {
        int side = (int) Math.round(Math.sqrt(values.length));
        if (side * side != values.length) {
            throw new IllegalArgumentException(values.length + " values are not a square map");
        }
        return heatImage(values, side, side, 0);
    }

    /** The largest value, for scale bars. */
    public static double max(float[] values) {
        double top = 0;
        for (float v : values) {
            top = Math.max(top, v);
        }
        return top;
    }

    /** A stable, distinct-looking colour per token id (golden-ratio hue walk). */
    public static int token(int id) {
        double hue = (id * 0.618033988749895) % 1.0;
        double sat = 0.55 + 0.35 * ((id * 7919) % 5) / 4.0;
        double val = 0.75 + 0.25 * ((id * 104729) % 3) / 2.0;
        return 0xFF000000 | hsv(hue, sat, val);
    }

    /** The token ids of a {@code side × side} map as a colour image, one pixel per token. */
    public static RgbImage tokenImage(int[] ids, int side) {
        int[] px = new int[side * side];
        for (int i = 0; i < px.length && i < ids.length; i++) {
            px[i] = token(ids[i]);
        }
        return new RgbImage(side, side, px);
    }

    private static int hsv(double h, double s, double v) {
        double c = v * s;
        double hp = h * 6;
        double x = c * (1 - Math.abs(hp % 2 - 1));
        double r = 0;
        double g = 0;
        double b = 0;
        switch ((int) hp) {
            case 0 -> { r = c; g = x; }
            case 1 -> { r = x; g = c; }
            case 2 -> { g = c; b = x; }
            case 3 -> { g = x; b = c; }
            case 4 -> { r = x; b = c; }
            default -> { r = c; b = x; }
        }
        double m = v - c;
        int ri = (int) Math.round((r + m) * 255);
        int gi = (int) Math.round((g + m) * 255);
        int bi = (int) Math.round((b + m) * 255);
        return (ri << 16) | (gi << 8) | bi;
    }
}
