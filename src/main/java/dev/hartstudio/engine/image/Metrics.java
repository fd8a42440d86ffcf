package dev.hartstudio.engine.image;

import dev.hartstudio.engine.generate.RgbImage;

/**
 * Image comparison: PSNR, SSIM, a per-pixel error map and a viridis heat map to show it.
 * Both images of a comparison must have the same size.
 */
public final class Metrics {

    /** SSIM window side (Wang et al. 2004). */
    public static final int SSIM_WINDOW = 11;
    /** SSIM Gaussian window standard deviation, pixels. */
    public static final double SSIM_SIGMA = 1.5;
    public static final double SSIM_K1 = 0.01;
    public static final double SSIM_K2 = 0.03;

    private static final double RANGE = 255;
    private static final double[] GAUSSIAN = gaussian(SSIM_WINDOW, SSIM_SIGMA);

    /** Viridis (matplotlib, CC0) sampled at entries 0, 16, ..., 240, 255 of its 256-entry table. */
    private static final int[] VIRIDIS = {
        0x440154, 0x48186A, 0x472D7B, 0x424086, 0x3B528B, 0x33638D, 0x2C728E, 0x26828E, 0x21918C,
        0x1FA088, 0x28AE80, 0x3FBC73, 0x5EC962, 0x84D44B, 0xADDC30, 0xD8E219, 0xFDE725,
    };
    private static final int[] VIRIDIS_AT = {0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 255};

    private Metrics() {
    }

    /**
     * Peak signal-to-noise ratio in dB over the R, G and B samples, data range 255:
     * {@code 10 log10(255² / MSE)}. Identical images give {@code +Infinity}.
     */
    public static double psnr(RgbImage a, RgbImage b) {
        checkSameSize(a, b);
        int[] pa = a.argb();
        int[] pb = b.argb();
        long squares = 0;
        for (int i = 0; i < pa.length; i++) {
            for (int shift = 0; shift <= 16; shift += 8) {
                int d = ((pa[i] >> shift) & 0xFF) - ((pb[i] >> shift) & 0xFF);
                squares += (long) d * d;
            }
        }
        if (squares == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double mse = (double) squares / (3.0 * pa.length);
        return 10 * Math.log10(RANGE * RANGE / mse);
    }

    /**
     * Mean structural similarity (Wang, Bovik, Sheikh, Simoncelli 2004, their reference
     * {@code ssim.m}) on luminance {@code Y = 0.299 R + 0.587 G + 0.114 B} (unrounded, 0..255):
     * an 11 x 11 Gaussian window with σ = 1.5, {@code C1 = (0.01 · 255)²}, {@code C2 = (0.03 · 255)²},
     * local variances as {@code E[x²] - E[x]²} (no sample correction), and the mean of the SSIM map
     * over the {@code (H - 10) x (W - 10)} windows that lie entirely inside the image (no padding).
     * Identical images give 1.
     *
     * @throws IllegalArgumentException when the images differ in size or are smaller than 11 x 11
     */
    public static double ssim(RgbImage a, RgbImage b) {
        checkSameSize(a, b);
        int w = a.width();
        int h = a.height();
        if (w < SSIM_WINDOW || h < SSIM_WINDOW) {
            throw new IllegalArgumentException("SSIM needs at least " + SSIM_WINDOW + "x" + SSIM_WINDOW
                    + " pixels; the images are " + w + "x" + h);
        }
        double[] x = luminance(a);
        double[] y = luminance(b);
        int n = x.length;
        double[] xx = new double[n];
        double[] yy = new double[n];
        double[] xy = new double[n];
        for (int i = 0; i < n; i++) {
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
        double[] muX = filterValid(x, w, h);
        double[] muY = filterValid(y, w, h);
        double[] exx = filterValid(xx, w, h);
        double[] eyy = filterValid(yy, w, h);
        double[] exy = filterValid(xy, w, h);
        double c1 = Math.pow(SSIM_K1 * RANGE, 2);
        double c2 = Math.pow(SSIM_K2 * RANGE, 2);
        double sum = 0;
        for (int i = 0; i < muX.length; i++) {
            double mx2 = muX[i] * muX[i];
            double my2 = muY[i] * muY[i];
            double mxy = muX[i] * muY[i];
            double vx = exx[i] - mx2;
            double vy = eyy[i] - my2;
            double cov = exy[i] - mxy;
            sum += ((2 * mxy + c1) * (2 * cov + c2)) / ((mx2 + my2 + c1) * (vx + vy + c2));
        }
        return sum / muX.length;
    }

    /**
     * Per-pixel absolute difference, {@code [H * W]} row-major: the mean over R, G, B of
     * {@code |a - b| / 255}, so 0 where equal and 1 where black meets white.
     */
    public static float[] absErrorMap(RgbImage a, RgbImage b) {
        checkSameSize(a, b);
        int[] pa = a.argb();
        int[] pb = b.argb();
        float[] err = new float[pa.length];
        for (int i = 0; i < pa.length; i++) {
            int sum = 0;
            for (int shift = 0; shift <= 16; shift += 8) {
                sum += Math.abs(((pa[i] >> shift) & 0xFF) - ((pb[i] >> shift) & 0xFF));
            }
            err[i] = sum / (3f * 255f);
        }
        return err;
    }

    /**
     * Colours {@code values} ({@code [h * w]} row-major) with viridis: 0 is dark purple,
     * {@code max} and above are yellow, linear in between. NaN and negative values take the low end;
     * a {@code max} of 0 or less maps everything to the low end.
     */
    public static RgbImage heat(float[] values, int w, int h, float max) {
        if (values.length != w * h) {
            throw new IllegalArgumentException("values has " + values.length + " entries, expected " + w * h);
        }
        int[] px = new int[values.length];
        for (int i = 0; i < px.length; i++) {
            double t = max > 0 ? values[i] / (double) max : 0;
            px[i] = colour(t);
        }
        return new RgbImage(w, h, px);
    }

    /**
     * The scale bar for {@link #heat}: horizontal (low at the left) when {@code width >= height},
     * vertical (low at the bottom) otherwise. No text; the caller labels 0 and max.
     */
    public static RgbImage colorbar(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("colour bar size " + width + "x" + height + " is empty");
        }
        int[] px = new int[width * height];
        boolean horizontal = width >= height;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double t = horizontal
                        ? (width == 1 ? 0 : (double) x / (width - 1))
                        : (height == 1 ? 0 : 1 - (double) y / (height - 1));
                px[y * width + x] = colour(t);
            }
        }
        return new RgbImage(width, height, px);
    }

    /** Viridis at {@code t} in [0, 1] (clamped; NaN is 0), opaque ARGB. */
    static int colour(double t) {
        if (!(t > 0)) {
            return 0xFF000000 | VIRIDIS[0];
        }
        double pos = Math.min(t, 1) * 255;
        int seg = 0;
        while (seg < VIRIDIS_AT.length - 2 && pos > VIRIDIS_AT[seg + 1]) {
            seg++;
        }
        double f = (pos - VIRIDIS_AT[seg]) / (VIRIDIS_AT[seg + 1] - VIRIDIS_AT[seg]);
        int lo = VIRIDIS[seg];
        int hi = VIRIDIS[seg + 1];
        int rgb = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            double c = ((lo >> shift) & 0xFF) * (1 - f) + ((hi >> shift) & 0xFF) * f;
            rgb |= (int) Math.round(c) << shift;
        }
        return 0xFF000000 | rgb;
    }

    private static double[] luminance(RgbImage image) {
        int[] px = image.argb();
        double[] y = new double[px.length];
        for (int i = 0; i < px.length; i++) {
            y[i] = 0.299 * ((px[i] >> 16) & 0xFF) + 0.587 * ((px[i] >> 8) & 0xFF) + 0.114 * (px[i] & 0xFF);
        }
        return y;
    }

    /** Separable Gaussian filter, 'valid' mode: {@code [h, w]} to {@code [h - 10, w - 10]}. */
    private static double[] filterValid(double[] in, int w, int h) {
        int k = GAUSSIAN.length;
        int ow = w - k + 1;
        int oh = h - k + 1;
        double[] rows = new double[h * ow];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < ow; x++) {
                double acc = 0;
                for (int i = 0; i < k; i++) {
                    acc += GAUSSIAN[i] * in[y * w + x + i];
                }
                rows[y * ow + x] = acc;
            }
        }
        double[] out = new double[oh * ow];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                double acc = 0;
                for (int i = 0; i < k; i++) {
                    acc += GAUSSIAN[i] * rows[(y + i) * ow + x];
                }
                out[y * ow + x] = acc;
            }
        }
        return out;
    }

    private static double[] gaussian(int size, double sigma) {
        double[] g = new double[size];
        double sum = 0;
        for (int i = 0; i < size; i++) {
            double d = i - (size - 1) / 2.0;
            g[i] = Math.exp(-d * d / (2 * sigma * sigma));
            sum += g[i];
        }
        for (int i = 0; i < size; i++) {
            g[i] /= sum;
        }
        return g;
    }

    private static void checkSameSize(RgbImage a, RgbImage b) {
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new IllegalArgumentException("cannot compare a " + a.width() + "x" + a.height() + " image with a "
                    + b.width() + "x" + b.height() + " one");
        }
    }
}
