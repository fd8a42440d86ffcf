package dev.hartstudio.persistence.export;

import dev.hartstudio.engine.generate.RgbImage;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/** Draws frames into square cells with a caption strip below; shared by the contact sheet and the GIF. */
final class Cells {

    /** Height of the caption strip, pixels; fixed so that sizes do not depend on the installed fonts. */
    static final int LABEL_HEIGHT = 20;
    static final Color BACKGROUND = Color.WHITE;
    static final Color TEXT = new Color(0x20, 0x20, 0x20);

    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    private Cells() {
    }

    static boolean anyLabel(List<Frame> frames) {
        return frames.stream().anyMatch(f -> !f.label().isBlank());
    }

    static void checkFrames(List<Frame> frames, int cell) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("there are no frames");
        }
        if (cell < 1) {
            throw new IllegalArgumentException("cell size " + cell + " must be at least 1");
        }
    }

    /**
     * Draws {@code frame} at ({@code x}, {@code y}): the image scaled by nearest neighbour so its
     * longer side is {@code cell} and centred in the {@code cell x cell} square, then, when
     * {@code labels}, its caption centred in the strip below (shortened with an ellipsis to fit).
     */
    static void draw(Graphics2D g, Frame frame, int x, int y, int cell, boolean labels) {
        RgbImage src = frame.image();
        double scale = (double) cell / Math.max(src.width(), src.height());
        int w = Math.max(1, (int) Math.round(src.width() * scale));
        int h = Math.max(1, (int) Math.round(src.height() * scale));
        g.drawImage(nearest(src, w, h), x + (cell - w) / 2, y + (cell - h) / 2, null);
        if (labels && !frame.label().isBlank()) {
            g.setFont(FONT);
            g.setColor(TEXT);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            FontMetrics metrics = g.getFontMetrics();
            String text = fit(frame.label().strip().replace('\n', ' '), metrics, cell);
            int baseline = y + cell + (LABEL_HEIGHT + metrics.getAscent() - metrics.getDescent()) / 2;
            g.drawString(text, x + (cell - metrics.stringWidth(text)) / 2, baseline);
        }
    }

    /** Nearest-neighbour resampling: output pixel centre maps to the source pixel containing it. */
    static BufferedImage nearest(RgbImage src, int w, int h) {
        int[] in = src.argb();
        int[] out = new int[w * h];
        for (int y = 0; y < h; y++) {
            int sy = (int) ((y + 0.5) * src.height() / h);
            for (int x = 0; x < w; x++) {
                int sx = (int) ((x + 0.5) * src.width() / w);
                out[y * w + x] = in[sy * src.width() + sx];
            }
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, w, h, out, 0, w);
        return img;
    }

    private static String fit(String text, FontMetrics metrics, int width) {
        if (metrics.stringWidth(text) <= width) {
            return text;
        }
        String ellipsis = "…";
        int end = text.length();
        while (end > 0 && metrics.stringWidth(text.substring(0, end) + ellipsis) > width) {
            end--;
        }
        return end == 0 ? "" : text.substring(0, end) + ellipsis;
    }

    static Graphics2D fill(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setColor(BACKGROUND);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        return g;
    }
}
