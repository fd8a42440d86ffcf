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
    private static final int H = 620;
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
        double maxX = Math.max(1, samples.get(samples.size() - 1).images());
        double maxY = 0;
        for (SoakCommand.Sample s : samples) {
            for (Series series : SERIES) {
                maxY = Math.max(maxY, SoakCommand.mb(series.value().applyAsLong(s)));
            }
        }
        maxY = niceCeiling(maxY * 1.05);
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(new Color(0x1c1f26));
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
        // grid and axes
        g.setStroke(new BasicStroke(1f));
        for (int i = 0; i <= 5; i++) {
            int y = TOP + ph - (int) Math.round(ph * i / 5.0);
            g.setColor(new Color(0xe6e8ee));
            g.drawLine(LEFT, y, LEFT + pw, y);
            g.setColor(new Color(0x667085));
            String label = String.format(Locale.ROOT, "%.0f MB", maxY * i / 5.0);
            g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        for (int i = 0; i <= 10; i++) {
            int x = LEFT + (int) Math.round(pw * i / 10.0);
            g.setColor(new Color(0x667085));
            String label = String.format(Locale.ROOT, "%.0f", maxX * i / 10.0);
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, TOP + ph + 18);
        }
        g.drawString("images generated", LEFT + pw / 2 - 45, TOP + ph + 40);
        g.setColor(new Color(0x1c1f26));
        g.drawRect(LEFT, TOP, pw, ph);
        // tail window
        int tailFrom = summary.get("images").getAsInt() - summary.get("tail_images").getAsInt();
        int wx = LEFT + (int) Math.round(pw * tailFrom / maxX);
        g.setColor(new Color(0xf4f5f8));
        g.fillRect(wx + 1, TOP + 1, LEFT + pw - wx - 1, 12);
        g.setColor(new Color(0x667085));
        g.drawString("fitted window", wx + 4, TOP + 11);
        // curves
        g.setStroke(new BasicStroke(2f));
        int legendY = TOP + 10;
        for (Series series : SERIES) {
            g.setColor(series.colour());
            int px = -1;
            int py = -1;
            for (SoakCommand.Sample s : samples) {
                int x = LEFT + (int) Math.round(pw * s.images() / maxX);
                int y = TOP + ph - (int) Math.round(ph * SoakCommand.mb(series.value().applyAsLong(s)) / maxY);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
            g.fillRect(LEFT + pw + 16, legendY - 8, 14, 10);
            g.setColor(new Color(0x1c1f26));
            g.drawString(series.name(), LEFT + pw + 36, legendY + 1);
            legendY += 20;
        }
        g.dispose();
        OutputFolder.writePng(png, RgbImage.of(img));
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
