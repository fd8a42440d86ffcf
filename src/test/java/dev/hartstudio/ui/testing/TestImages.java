package dev.hartstudio.ui.testing;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Synthetic pictures for viewer tests: a sky gradient, a sun and a hill. */
public final class TestImages {

    private TestImages() {
    }

    public static BufferedImage landscape(int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(80, 140, 230), 0, height, new Color(250, 220, 180)));
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(255, 200, 40));
        g.fillOval(width * 6 / 10, height / 8, width / 5, width / 5);
        g.setColor(new Color(50, 130, 60));
        g.fillOval(-width / 4, height * 6 / 10, width * 3 / 2, height);
        g.dispose();
        return img;
    }

    public static Path writeLandscape(Path folder, String name, int width, int height) throws IOException {
        Path p = folder.resolve(name);
        ImageIO.write(landscape(width, height), "png", p.toFile());
        return p;
    }
}
