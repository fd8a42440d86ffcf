package dev.hartstudio.engine.image;

import dev.hartstudio.engine.generate.RgbImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Loads an image file and makes it the square {@code R x R} RGB input an image-conditioned model
 * expects. Resampling is done here on float planes, so the result is the same on every JVM: area
 * averaging along an axis that shrinks, Keys bicubic ({@code a = -0.5}, edges clamped) along an axis
 * that grows, both on the 8-bit sRGB values (as PIL does), rounded to nearest at the end.
 */
public final class ImageFit {

    /** Colour of the bars {@link FitMode#PAD} adds and of fully transparent pixels: white. */
    public static final int BACKGROUND_RGB = 0xFFFFFF;

    /** Largest image {@link #load} decodes, in pixels; bigger files are refused before decoding. */
    public static final long MAX_PIXELS = 100_000_000L;

    private static final double CUBIC_A = -0.5;

    private ImageFit() {
    }

    /**
     * Reads any image ImageIO can decode (PNG, JPEG, BMP, GIF's first frame; 8 or 16 bits, grey or
     * colour, with or without alpha) and fits it to {@code resolution x resolution}.
     *
     * @throws ImageLoadException with one sentence naming the file when it is missing, empty, too
     *     large, of an unknown format, truncated or damaged
     */
    public static FittedImage load(Path file, int resolution, FitMode mode) throws ImageLoadException {
        checkResolution(resolution);
        ImageDecoding.Decoded decoded = ImageDecoding.decode(file);
        return fit(decoded.image(), decoded.summary(), resolution, mode);
    }

    /** Fits an image already in memory; the description starts with {@code W×H image}. */
    public static FittedImage fit(RgbImage image, int resolution, FitMode mode) {
        checkResolution(resolution);
        return fit(image, size(image.width(), image.height()) + " image", resolution, mode);
    }

    /**
     * Resizes to {@code width x height}: area averaging on an axis that shrinks, bicubic on one that
     * grows, a copy on one that keeps its size. Always returns a new image.
     */
    public static RgbImage resize(RgbImage image, int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("cannot resize to " + width + "x" + height);
        }
        int sw = image.width();
        int sh = image.height();
        if (sw == width && sh == height) {
            return new RgbImage(width, height, image.argb().clone());
        }
        Taps horizontal = Taps.of(sw, width);
        Taps vertical = Taps.of(sh, height);
        float[][] planes = planes(image);
        for (int c = 0; c < 3; c++) {
            planes[c] = vertical.applyToColumns(horizontal.applyToRows(planes[c], sw, sh), width);
        }
        return pack(planes, width, height);
    }

    /**
     * The model's pixel input: planar {@code [3, H, W]} floats (R plane, G plane, B plane),
     * each value {@code 2 * v / 255 - 1}, so 0 maps to -1 and 255 to 1.
     */
    public static float[] toPlanarMinus1To1(RgbImage image) {
        int n = image.width() * image.height();
        int[] argb = image.argb();
        float[] chw = new float[3 * n];
        for (int i = 0; i < n; i++) {
            int p = argb[i];
            chw[i] = 2f * ((p >> 16) & 0xFF) / 255f - 1f;
            chw[n + i] = 2f * ((p >> 8) & 0xFF) / 255f - 1f;
            chw[2 * n + i] = 2f * (p & 0xFF) / 255f - 1f;
        }
        return chw;
    }

    // Fitting

    private static FittedImage fit(RgbImage image, String source, int r, FitMode mode) {
        int w = image.width();
        int h = image.height();
        StringBuilder done = new StringBuilder();
        RgbImage out;
        switch (mode) {
            case CENTER_CROP -> {
                int s = Math.min(w, h);
                RgbImage square = image;
                if (w != h) {
                    square = crop(image, (w - s) / 2, (h - s) / 2, s, s);
                    done.append(", centre-cropped to ").append(size(s, s));
                }
                out = resize(square, r, r);
                done.append(scaled(s, r, r, r));
            }
            case STRETCH -> {
                out = resize(image, r, r);
                done.append(w == h ? scaled(w, r, r, r) : ", stretched to " + size(r, r));
            }
            case PAD -> {
                int longer = Math.max(w, h);
                int nw = Math.max(1, (int) Math.round((double) w * r / longer));
                int nh = Math.max(1, (int) Math.round((double) h * r / longer));
                RgbImage scaled = resize(image, nw, nh);
                done.append(scaled(longer, r, nw, nh));
                out = scaled;
                if (nw != r || nh != r) {
                    out = pad(scaled, r);
                    done.append(", padded with white to ").append(size(r, r));
                }
            }
            default -> throw new IllegalArgumentException("unknown fit mode " + mode);
        }
        if (done.length() == 0) {
            done.append(", used as is");
        }
        return new FittedImage(out, source + done);
    }

    private static String scaled(int from, int to, int w, int h) {
        if (from == to) {
            return "";
        }
        return (from > to ? ", downscaled to " : ", upscaled to ") + size(w, h);
    }

    private static RgbImage crop(RgbImage image, int x0, int y0, int w, int h) {
        int[] px = new int[w * h];
        for (int y = 0; y < h; y++) {
            System.arraycopy(image.argb(), (y0 + y) * image.width() + x0, px, y * w, w);
        }
        return new RgbImage(w, h, px);
    }

    private static RgbImage pad(RgbImage image, int r) {
        int[] px = new int[r * r];
        Arrays.fill(px, 0xFF000000 | BACKGROUND_RGB);
        int x0 = (r - image.width()) / 2;
        int y0 = (r - image.height()) / 2;
        for (int y = 0; y < image.height(); y++) {
            System.arraycopy(image.argb(), y * image.width(), px, (y0 + y) * r + x0, image.width());
        }
        return new RgbImage(r, r, px);
    }

    private static void checkResolution(int resolution) {
        if (resolution < 1) {
            throw new IllegalArgumentException("resolution " + resolution + " must be at least 1");
        }
    }

    static String size(int w, int h) {
        return w + "×" + h;
    }

    // Resampling

    private static float[][] planes(RgbImage image) {
        int[] argb = image.argb();
        float[][] planes = new float[3][argb.length];
        for (int i = 0; i < argb.length; i++) {
            planes[0][i] = (argb[i] >> 16) & 0xFF;
            planes[1][i] = (argb[i] >> 8) & 0xFF;
            planes[2][i] = argb[i] & 0xFF;
        }
        return planes;
    }

    private static RgbImage pack(float[][] planes, int w, int h) {
        int[] px = new int[w * h];
        for (int i = 0; i < px.length; i++) {
            px[i] = 0xFF000000 | (to8(planes[0][i]) << 16) | (to8(planes[1][i]) << 8) | to8(planes[2][i]);
        }
        return new RgbImage(w, h, px);
    }

    private static int to8(float v) {
        return Math.max(0, Math.min(255, Math.round(v)));
    }

    /** The source samples and weights of each output sample along one axis. */
    private record Taps(int src, int dst, int[][] index, float[][] weight) {

        static Taps of(int src, int dst) {
            int[][] index = new int[dst][];
            float[][] weight = new float[dst][];
            double scale = (double) src / dst;
            for (int i = 0; i < dst; i++) {
                List<double[]> taps = dst < src ? area(i, scale, src) : dst > src ? cubic(i, scale, src)
                        : List.of(new double[] {i, 1});
                double sum = 0;
                for (double[] t : taps) {
                    sum += t[1];
                }
                index[i] = new int[taps.size()];
                weight[i] = new float[taps.size()];
                for (int k = 0; k < taps.size(); k++) {
                    index[i][k] = (int) taps.get(k)[0];
                    weight[i][k] = (float) (taps.get(k)[1] / sum);
                }
            }
            return new Taps(src, dst, index, weight);
        }

        /** Output sample i covers source interval [i * scale, (i + 1) * scale). */
        private static List<double[]> area(int i, double scale, int src) {
            double lo = i * scale;
            double hi = (i + 1) * scale;
            List<double[]> taps = new ArrayList<>();
            for (int j = (int) Math.floor(lo); j < Math.min(src, (int) Math.ceil(hi)); j++) {
                double cover = Math.min(hi, j + 1) - Math.max(lo, j);
                if (cover > 1e-9) {
                    taps.add(new double[] {j, cover});
                }
            }
            return taps;
        }

        /** Pixel centres aligned: output centre i + 0.5 sits at source position (i + 0.5) * scale. */
        private static List<double[]> cubic(int i, double scale, int src) {
            double centre = (i + 0.5) * scale - 0.5;
            int base = (int) Math.floor(centre);
            List<double[]> taps = new ArrayList<>(4);
            for (int j = base - 1; j <= base + 2; j++) {
                double w = keys(centre - j);
                if (w != 0) {
                    taps.add(new double[] {Math.max(0, Math.min(src - 1, j)), w});
                }
            }
            return taps;
        }

        private static double keys(double x) {
            double t = Math.abs(x);
            if (t < 1) {
                return ((CUBIC_A + 2) * t - (CUBIC_A + 3)) * t * t + 1;
            }
            if (t < 2) {
                return ((CUBIC_A * t - 5 * CUBIC_A) * t + 8 * CUBIC_A) * t - 4 * CUBIC_A;
            }
            return 0;
        }

        /** {@code [h, src]} row-major to {@code [h, dst]}. */
        float[] applyToRows(float[] in, int w, int h) {
            if (src == dst) {
                return in;
            }
            float[] out = new float[h * dst];
            for (int y = 0; y < h; y++) {
                int row = y * w;
                for (int x = 0; x < dst; x++) {
                    float acc = 0;
                    for (int k = 0; k < index[x].length; k++) {
                        acc += weight[x][k] * in[row + index[x][k]];
                    }
                    out[y * dst + x] = acc;
                }
            }
            return out;
        }

        /** {@code [src, w]} row-major to {@code [dst, w]}. */
        float[] applyToColumns(float[] in, int w) {
            if (src == dst) {
                return in;
            }
            float[] out = new float[dst * w];
            for (int y = 0; y < dst; y++) {
                int row = y * w;
                for (int k = 0; k < index[y].length; k++) {
                    float wk = weight[y][k];
                    int from = index[y][k] * w;
                    for (int x = 0; x < w; x++) {
                        out[row + x] += wk * in[from + x];
                    }
                }
            }
            return out;
        }
    }
}
