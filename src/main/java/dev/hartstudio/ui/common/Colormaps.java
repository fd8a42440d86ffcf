package dev.hartstudio.ui.common;

import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.engine.image.Metrics;

/** Scalar fields as heat images (the engine's viridis) and token ids as colours. */
public final class Colormaps {

    private Colormaps() {
    }

    /** A square heat image from a square field (side = sqrt(length)), scaled to its maximum. */
    public static RgbImage squareHeatImage(float[] values) {
        int side = (int) Math.round(Math.sqrt(values.length));
        if (side * side != values.length) {
            throw new IllegalArgumentException(values.length + " values are not a square map");
        }
        return Metrics.heat(values, side, side, (float) max(values));
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
