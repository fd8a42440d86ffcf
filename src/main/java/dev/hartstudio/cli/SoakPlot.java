package dev.hartstudio.cli;

import com.google.gson.JsonObject;
import dev.hartstudio.engine.generate.RgbImage;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/** The soak's memory curves against images generated, drawn with Java2D into a PNG. */
final class SoakPlot {

    private static final int W = 1100;
    private static final int H = 820;
    private static final int LEFT = 80;
    private static final int RIGHT = 200;
    private static final int TOP = 70;
    private static final int BOTTOM = 60;

    private record Series(String name, Color colour, ToLongFunction<SoakCommand.Sample> value) {
    }

    private static final List<Series> SERIES = List.of(
            new Series("RSS", new Color(0x5b4bdb), SoakCommand.Sample::rss),
            new Series("outside the JVM", new Color(0xd9822b), SoakCommand.Sample::outsideJvm),
            new Series("heap committed", new Color(0x6b7280), SoakCommand.Sample::heapCommitted),
            new Series("heap after GC", new Color(0x1d8f5a), SoakCommand.Sample::heapAfterGc),
            new Series("heap used", new Color(0x9ccfb4), SoakCommand.Sample::heapUsed));

    private SoakPlot() {
    }

    static void write(Path png, List<SoakCommand.Sample> samples, JsonObject summary) throws OutputFolder.WriteException {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(INK);
        g.drawString(String.format(Locale.ROOT, "HART Studio soak: %d images + %d cancels, %.0f s",
                summary.get("images").getAsInt(), summary.get("cancels").getAsInt(),
                summary.get("seconds").getAsDouble()), LEFT, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(String.format(Locale.ROOT, "RSS slope over the last %d images: %+.2f MB per 1000 images (95%% CI"
                        + " +-%.2f); drift %+.2f MB vs noise sd %.2f MB: %s", summary.get("tail_images").getAsInt(),
                summary.get("rss_slope_mb_per_1000_images").getAsDouble(),
                summary.get("rss_slope_95ci_mb_per_1000_images").getAsDouble(),
                summary.get("rss_drift_over_tail_mb").getAsDouble(), summary.get("rss_noise_sd_mb").getAsDouble(),
                summary.get("flat").getAsBoolean() ? "flat" : "NOT flat"), LEFT, 50);
        double maxX = Math.max(1, samples.get(samples.size() - 1).images());
        int tailFrom = summary.get("images").getAsInt() - summary.get("tail_images").getAsInt();
        int pw = W - LEFT - RIGHT;
        int top = TOP;
        int ph = 300;
        double maxY = 0;
        for (SoakCommand.Sample s : samples) {
            for (Series series : SERIES) {
                maxY = Math.max(maxY, SoakCommand.mb(series.value().applyAsLong(s)));
            }
        }
        panel(g, samples, SERIES, 0, niceCeiling(maxY * 1.05), maxX, tailFrom, top, ph, pw, "%.0f MB");
        // The same RSS and outside-JVM curves, zoomed: change since the first sample of the fitted window.
        int top2 = top + ph + 70;
        int ph2 = H - top2 - BOTTOM;
        SoakCommand.Sample base = samples.stream().filter(s -> s.images() >= tailFrom).findFirst()
                .orElse(samples.get(0));
        List<Series> zoomed = List.of(
                new Series("RSS change", SERIES.get(0).colour(), s -> s.rss() - base.rss()),
                new Series("outside the JVM change", SERIES.get(1).colour(), s -> s.outsideJvm() - base.outsideJvm()));
        double lo = 0;
        double hi = 0;
        for (SoakCommand.Sample s : samples) {
            if (s.images() >= tailFrom) {
                for (Series series : zoomed) {
                    double v = SoakCommand.mb(series.value().applyAsLong(s));
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        double span = Math.max(4, niceCeiling(Math.max(-lo, hi) * 1.2));
        g.setColor(INK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString("Zoomed: change since image " + base.images() + " (the fitted window)", LEFT, top2 - 12);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        panel(g, samples, zoomed, -span, span, maxX, tailFrom, top2, ph2, pw, "%+.1f MB");
        g.dispose();
        OutputFolder.writePng(png, RgbImage.of(img));
    }

    private static final Color INK = new Color(0x1c1f26);
    private static final Color MUTED = new Color(0x667085);

    private static void panel(Graphics2D g, List<SoakCommand.Sample> samples, List<Series> series, double minY,
            double maxY, double maxX, int tailFrom, int top, int ph, int pw, String yFormat) {
        g.setStroke(new BasicStroke(1f));
        for (int i = 0; i <= 4; i++) {
            double v = minY + (maxY - minY) * i / 4.0;
            int y = top + ph - (int) Math.round(ph * i / 4.0);
            g.setColor(new Color(0xe6e8ee));
            g.drawLine(LEFT, y, LEFT + pw, y);
            g.setColor(MUTED);
            String label = String.format(Locale.ROOT, yFormat, v);
            g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        for (int i = 0; i <= 10; i++) {
            int x = LEFT + (int) Math.round(pw * i / 10.0);
            g.setColor(MUTED);
            String label = String.format(Locale.ROOT, "%.0f", maxX * i / 10.0);
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, top + ph + 18);
        }
        g.drawString("images generated", LEFT + pw / 2 - 45, top + ph + 36);
        int wx = LEFT + (int) Math.round(pw * tailFrom / maxX);
        g.setColor(new Color(0xf0f1f5));
        g.fillRect(wx + 1, top + 1, LEFT + pw - wx - 1, 14);
        g.setColor(MUTED);
        g.drawString("fitted window", wx + 4, top + 12);
        g.setColor(INK);
        g.drawRect(LEFT, top, pw, ph);
        g.setStroke(new BasicStroke(2f));
        int legendY = top + 10;
        for (Series s : series) {
            g.setColor(s.colour());
            int px = -1;
            int py = -1;
            for (SoakCommand.Sample sample : samples) {
                double v = SoakCommand.mb(s.value().applyAsLong(sample));
                int x = LEFT + (int) Math.round(pw * sample.images() / maxX);
                int y = top + ph - (int) Math.round(ph * (Math.max(minY, Math.min(maxY, v)) - minY) / (maxY - minY));
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
            g.fillRect(LEFT + pw + 16, legendY - 8, 14, 10);
            g.setColor(INK);
            g.drawString(s.name(), LEFT + pw + 36, legendY + 1);
            legendY += 20;
        }
    }

    private static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double step = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * step >= v) {
                return m * step;
            }
        }
        return 10 * step;
    }
}
