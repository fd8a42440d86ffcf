package dev.hartstudio.persistence.history;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Scales images down for thumbnails (bilinear, aspect kept); small images are returned as they are. */
public final class Thumbnails {

    private Thumbnails() {
    }

    /** {@code image} scaled so its longer side is at most {@code size}. */
    public static BufferedImage fit(BufferedImage image, int size) {
        int w = image.getWidth();
        int h = image.getHeight();
        if (w <= size && h <= size) {
            return image;
        }
        double scale = (double) size / Math.max(w, h);
        int tw = Math.max(1, (int) Math.round(w * scale));
        int th = Math.max(1, (int) Math.round(h * scale));
        BufferedImage out = new BufferedImage(tw, th, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, tw, th, null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
