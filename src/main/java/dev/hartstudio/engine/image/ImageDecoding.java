package dev.hartstudio.engine.image;

import dev.hartstudio.engine.generate.RgbImage;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataFormatImpl;
import javax.imageio.stream.ImageInputStream;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Decoding for {@link ImageFit#load}: any image ImageIO reads, to 8-bit sRGB with transparency
 * composited on white, grey kept gamma-encoded, CMYK converted by ImageIO (stated in the summary),
 * the first frame of a GIF (with the number of frames stated), and one sentence naming the file for
 * every problem.
 */
final class ImageDecoding {

    private ImageDecoding() {
    }

    /** The decoded pixels and a summary such as {@code 640×480 16-bit greyscale PNG}. */
    record Decoded(RgbImage image, String summary) {
    }

    static Decoded decode(Path file) throws ImageLoadException {
        String name = String.valueOf(file.getFileName());
        if (!Files.exists(file)) {
            throw new ImageLoadException(name + " does not exist.");
        }
        if (Files.isDirectory(file)) {
            throw new ImageLoadException(name + " is a folder, not an image.");
        }
        try {
            if (Files.size(file) == 0) {
                throw new ImageLoadException(name + " is empty (0 bytes), so it is not an image.");
            }
        } catch (IOException e) {
            throw new ImageLoadException(name + " could not be read: " + e.getMessage() + ".", e);
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new ImageLoadException(name + " could not be opened for reading.");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageLoadException(name + " is not an image ImageIO can read (unknown format).");
            }
            ImageReader reader = readers.next();
            String format = reader.getFormatName().toUpperCase(Locale.ROOT);
            try {
                return read(reader, in, name, format);
            } catch (IOException | RuntimeException e) {
                if (format.equals("JPEG") && channels(reader) == 4) {
                    throw new ImageLoadException(name + " is a CMYK JPEG that ImageIO cannot decode: CMYK JPEG is not "
                            + "supported, convert it to RGB (e.g. save it as an sRGB JPEG or PNG).", e);
                }
                throw new ImageLoadException(name + " is not an image ImageIO can read (truncated or damaged "
                        + format + ").", e);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new ImageLoadException(name + " could not be read: " + e.getMessage() + ".", e);
        }
    }

    private static Decoded read(ImageReader reader, ImageInputStream in, String name, String format)
            throws IOException, ImageLoadException {
        reader.setInput(in, false, false);   // not forward-only: the frames of a GIF are counted after the first
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        if ((long) w * h > ImageFit.MAX_PIXELS) {
            throw new ImageLoadException(name + " is " + ImageFit.size(w, h) + " pixels, more than the "
                    + ImageFit.MAX_PIXELS / 1_000_000 + " megapixels this app decodes.");
        }
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        BufferedImage img = reader.read(0);
        for (String warning : warnings) {
            // The JPEG reader fills a cut-off file with grey and only warns; a half image is no input.
            if (warning.toLowerCase(Locale.ROOT).contains("premature end")) {
                throw new ImageLoadException(name + " is not an image ImageIO can read (truncated " + format
                        + ": " + warning + ").");
            }
        }
        Decoded decoded = toRgb(img, format);
        int frames = frames(reader);
        if (frames > 1) {
            return new Decoded(decoded.image(), decoded.summary() + ", first of " + frames
                    + (format.equals("GIF") ? " frames" : " images") + " used");
        }
        return decoded;
    }

    /** Images in the file (a GIF's frames), or -1 when they cannot be counted (a damaged later frame). */
    private static int frames(ImageReader reader) {
        try {
            return reader.getNumImages(true);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Colour channels the file declares (4 for CMYK and YCCK JPEG), or -1 when its metadata cannot be read. */
    private static int channels(ImageReader reader) {
        try {
            IIOMetadata metadata = reader.getImageMetadata(0);
            if (metadata == null || !metadata.isStandardMetadataFormatSupported()) {
                return -1;
            }
            Node root = metadata.getAsTree(IIOMetadataFormatImpl.standardMetadataFormatName);
            for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n.getNodeName().equals("Chroma")) {
                    for (Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) {
                        if (c.getNodeName().equals("NumChannels")) {
                            return Integer.parseInt(((Element) c).getAttribute("value").trim());
                        }
                    }
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static Decoded toRgb(BufferedImage img, String format) {
        int w = img.getWidth();
        int h = img.getHeight();
        ColorModel cm = img.getColorModel();
        boolean grey = cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        boolean cmyk = cm.getColorSpace().getType() == ColorSpace.TYPE_CMYK;
        int bits = 0;
        for (int b : cm.getComponentSize()) {
            bits = Math.max(bits, b);
        }
        int[] argb;
        if (grey && cm instanceof ComponentColorModel && !cm.isAlphaPremultiplied()) {
            argb = greyToArgb(img.getRaster(), cm, w, h);
        } else {
            argb = img.getRGB(0, 0, w, h, null, 0, w);
        }
        boolean transparent = compositeOnWhite(argb);
        StringBuilder summary = new StringBuilder(ImageFit.size(w, h)).append(' ');
        if (bits > 8) {
            summary.append(bits).append("-bit ");
        }
        if (grey) {
            summary.append("greyscale ");
        }
        if (cmyk) {
            summary.append("CMYK ");
        }
        summary.append(format);
        if (cmyk) {
            summary.append(", converted to RGB");
        }
        if (transparent) {
            summary.append(", transparency composited on white");
        }
        return new Decoded(new RgbImage(w, h, argb), summary.toString());
    }

    /**
     * Grey samples copied as they are: {@code getRGB} would treat them as linear light and brighten
     * them, but PNG and JPEG grey is gamma-encoded like sRGB.
     */
    private static int[] greyToArgb(Raster raster, ColorModel cm, int w, int h) {
        int greyMax = (1 << cm.getComponentSize(0)) - 1;
        int[] grey = raster.getSamples(0, 0, w, h, 0, (int[]) null);
        int[] alpha = null;
        int alphaMax = 1;
        if (cm.hasAlpha()) {
            alpha = raster.getSamples(0, 0, w, h, cm.getNumComponents() - 1, (int[]) null);
            alphaMax = (1 << cm.getComponentSize(cm.getNumComponents() - 1)) - 1;
        }
        int[] argb = new int[w * h];
        for (int i = 0; i < argb.length; i++) {
            int v = (int) ((grey[i] * 255L + greyMax / 2) / greyMax);
            int a = alpha == null ? 255 : (int) ((alpha[i] * 255L + alphaMax / 2) / alphaMax);
            argb[i] = (a << 24) | (v << 16) | (v << 8) | v;
        }
        return argb;
    }

    /** Blends every pixel over white in place; true when any pixel was not opaque. */
    private static boolean compositeOnWhite(int[] argb) {
        boolean any = false;
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            int a = p >>> 24;
            if (a != 255) {
                any = true;
                int r = over((p >> 16) & 0xFF, a, (ImageFit.BACKGROUND_RGB >> 16) & 0xFF);
                int g = over((p >> 8) & 0xFF, a, (ImageFit.BACKGROUND_RGB >> 8) & 0xFF);
                int b = over(p & 0xFF, a, ImageFit.BACKGROUND_RGB & 0xFF);
                argb[i] = 0xFF000000 | (r << 16) | (g << 8) | b;
            }
        }
        return any;
    }

    private static int over(int c, int a, int background) {
        return (c * a + background * (255 - a) + 127) / 255;
    }
}
