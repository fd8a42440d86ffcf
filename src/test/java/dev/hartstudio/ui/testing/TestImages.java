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

    /** A PNG with a {@code parameters} tEXt chunk, as the Stable Diffusion web UI writes it. */
    public static Path writeA1111(Path file, String parameters) throws IOException {
        javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        BufferedImage img = landscape(32, 32);
        javax.imageio.ImageTypeSpecifier type = javax.imageio.ImageTypeSpecifier.createFromRenderedImage(img);
        javax.imageio.metadata.IIOMetadata meta = writer.getDefaultImageMetadata(type, null);
        javax.imageio.metadata.IIOMetadataNode root = new javax.imageio.metadata.IIOMetadataNode("javax_imageio_png_1.0");
        javax.imageio.metadata.IIOMetadataNode text = new javax.imageio.metadata.IIOMetadataNode("tEXt");
        javax.imageio.metadata.IIOMetadataNode entry = new javax.imageio.metadata.IIOMetadataNode("tEXtEntry");
        entry.setAttribute("keyword", "parameters");
        entry.setAttribute("value", parameters);
        text.appendChild(entry);
        root.appendChild(text);
        meta.mergeTree("javax_imageio_png_1.0", root);
        try (javax.imageio.stream.ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.write(new javax.imageio.IIOImage(img, null, meta));
        } finally {
            writer.dispose();
        }
        return file;
    }

    /** A PNG written by this app, with the full metadata. */
    public static Path writeOurs(Path file, String prompt, long seed) throws IOException {
        dev.hartstudio.engine.generate.RgbImage img = dev.hartstudio.engine.generate.RgbImage.of(landscape(16, 16));
        dev.hartstudio.persistence.png.GenerationMetadata m = new dev.hartstudio.persistence.png.GenerationMetadata(
                prompt, seed, 0, 1, 3.5, java.util.List.of(60, 60, 60, 30), 0.25, false, true, false, "LATENT_RGB",
                null, 4, -1, 0, 16, 16, "fake", "0123456789abcdef", "cpu", "1.29.0", "hart-rng-v1", "test", null);
        dev.hartstudio.persistence.png.PngMetadata.write(file, img, m);
        return file;
    }

    public static Path writeLandscape(Path folder, String name, int width, int height) throws IOException {
        Path p = folder.resolve(name);
        ImageIO.write(landscape(width, height), "png", p.toFile());
        return p;
    }
}
