package dev.hartstudio.engine.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images from other tools that ImageFitTest does not cover: palette PNG with tRNS, CMYK JPEG (both
 * the kind ImageIO decodes and the kind it cannot), animated GIF, 1×1, and non-images that start like
 * images. Each is decoded to the asserted RGB or refused with one sentence naming the file.
 */
class HostileImageTest {

    @TempDir
    Path dir;

    private static final int RED = 0xFFFF0000;
    private static final int GREEN = 0xFF00FF00;
    private static final int BLUE = 0xFF0000FF;

    @Test
    void aPalettePngWithATransparentEntryIsCompositedOnWhite() throws Exception {
        byte[] r = {(byte) 255, 0, 0, 0};
        byte[] g = {0, (byte) 255, 0, 0};
        byte[] b = {0, 0, (byte) 255, 0};
        byte[] a = {(byte) 255, (byte) 255, (byte) 128, 0};   // blue half transparent, entry 3 fully
        IndexColorModel palette = new IndexColorModel(2, 4, r, g, b, a);
        BufferedImage img = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_BINARY, palette);
        for (int x = 0; x < 4; x++) {
            img.getRaster().setSample(x, 0, 0, x);
        }
        Path file = dir.resolve("palette.png");
        assertTrue(ImageIO.write(img, "png", file.toFile()));
        assertTrue(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1).contains("tRNS"),
                "the writer made a tRNS chunk");
        FittedImage fitted = ImageFit.load(file, 4, FitMode.STRETCH);
        // Blue over white at alpha 128: (0·128 + 255·127 + 127) / 255 = 127 for red and green.
        assertArrayEquals(new int[] {RED, GREEN, 0xFF7F7FFF, 0xFFFFFFFF}, Arrays.copyOf(fitted.image().argb(), 4));
        assertTrue(fitted.description().startsWith("4×1 PNG, transparency composited on white"), fitted.description());
    }

    @Test
    void aCmykJpegAsPhotoshopWritesItIsConvertedToRgb() throws Exception {
        // Adobe APP14 (transform 0) with inverted samples, as Photoshop stores CMYK: red, green, blue, white.
        int[][] cmyk = {{0, 255, 255, 0}, {255, 0, 255, 0}, {255, 255, 0, 0}, {0, 0, 0, 0}};
        Path file = Files.write(dir.resolve("print.jpg"), cmykJpeg(cmyk, 0));
        FittedImage fitted = ImageFit.load(file, 32, FitMode.STRETCH);
        assertEquals("32×8 CMYK JPEG, converted to RGB, stretched to 32×32", fitted.description());
        int[] expected = {RED, GREEN, BLUE, 0xFFFFFFFF};
        for (int block = 0; block < 4; block++) {
            assertClose(expected[block], fitted.image().argb()[16 * 32 + block * 8 + 4], "block " + block);
        }
    }

    @Test
    void aFourChannelJpegImageIoCannotDecodeIsRefusedWithWhatToDo() throws Exception {
        // Adobe transform 1 (YCbCr) on four channels: ImageIO's reader gives up ("Unsupported Image Type").
        Path file = Files.write(dir.resolve("odd.jpg"), cmykJpeg(new int[][] {{0, 0, 0, 0}}, 1));
        ImageLoadException e = assertThrows(ImageLoadException.class, () -> ImageFit.load(file, 8, FitMode.PAD));
        assertEquals("odd.jpg is a CMYK JPEG that ImageIO cannot decode: CMYK JPEG is not supported, convert it to RGB "
                + "(e.g. save it as an sRGB JPEG or PNG).", e.getMessage());
    }

    @Test
    void anAnimatedGifUsesItsFirstFrameAndSaysSo() throws Exception {
        Path file = dir.resolve("anim.gif");
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (int colour : new int[] {RED, GREEN, BLUE}) {
                BufferedImage frame = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 4; y++) {
                    for (int x = 0; x < 4; x++) {
                        frame.setRGB(x, y, colour);
                    }
                }
                writer.writeToSequence(new IIOImage(frame, null, null), null);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
        FittedImage fitted = ImageFit.load(file, 4, FitMode.PAD);
        assertEquals("4×4 GIF, first of 3 frames used, used as is", fitted.description());
        for (int p : fitted.image().argb()) {
            assertEquals(RED, p);
        }
    }

    @Test
    void aOneByOneImageFillsTheModelInput() throws Exception {
        BufferedImage one = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        one.setRGB(0, 0, 0x123456);
        Path file = dir.resolve("dot.png");
        ImageIO.write(one, "png", file.toFile());
        for (FitMode mode : FitMode.values()) {
            FittedImage fitted = ImageFit.load(file, 16, mode);
            assertEquals(256, fitted.image().argb().length);
            for (int p : fitted.image().argb()) {
                assertEquals(0xFF123456, p, mode + ": " + fitted.description());
            }
        }
    }

    @Test
    void filesThatOnlyStartLikeImagesAreRefusedWithOneSentence() throws Exception {
        byte[] png = encodePng(8, 8);
        Random random = new Random(19);
        byte[] noise = new byte[4096];
        random.nextBytes(noise);
        byte[][] cases = {
            noise,
            Arrays.copyOf(png, 8),                                   // the signature only
            concat(Arrays.copyOf(png, 33), noise),                   // IHDR, then noise
            concat(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}, noise),   // JPEG start, then noise
            concat("GIF89a".getBytes(java.nio.charset.StandardCharsets.US_ASCII), noise),
            concat("BM".getBytes(java.nio.charset.StandardCharsets.US_ASCII), noise),
        };
        String[] names = {"noise.png", "signature.png", "ihdr.png", "start.jpg", "start.gif", "start.bmp"};
        for (int i = 0; i < cases.length; i++) {
            Path file = Files.write(dir.resolve(names[i]), cases[i]);
            String name = names[i];
            ImageLoadException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(ImageLoadException.class, () -> ImageFit.load(file, 8, FitMode.PAD), name));
            assertTrue(e.getMessage().startsWith(name + " ") && e.getMessage().endsWith(".")
                    && !e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void aPngNamedJpgIsReadByItsContent() throws Exception {
        Path file = Files.write(dir.resolve("really-a-png.jpg"), encodePng(2, 2));
        assertTrue(ImageFit.load(file, 2, FitMode.PAD).description().startsWith("2×2 PNG"));
    }

    /** A baseline JPEG of 8×8 blocks, one per row of {@code samples}, with an Adobe APP14 marker of {@code transform}. */
    private static byte[] cmykJpeg(int[][] samples, int transform) throws Exception {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 8 * samples.length, 8, 4, null);
        for (int block = 0; block < samples.length; block++) {
            int[] inverted = new int[4];
            for (int c = 0; c < 4; c++) {
                inverted[c] = 255 - samples[block][c];
            }
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    raster.setPixel(block * 8 + x, y, inverted);
                }
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(raster, null, null), null);
        } finally {
            writer.dispose();
        }
        byte[] jpeg = out.toByteArray();
        byte[] app14 = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform};
        return concat(concat(Arrays.copyOf(jpeg, 2), app14), Arrays.copyOfRange(jpeg, 2, jpeg.length));
    }

    private static byte[] encodePng(int w, int h) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static void assertClose(int expected, int actual, String what) {
        for (int shift = 0; shift <= 16; shift += 8) {
            int e = (expected >> shift) & 0xFF;
            int a = (actual >> shift) & 0xFF;
            assertTrue(Math.abs(e - a) <= 6, what + ": expected " + Integer.toHexString(expected) + ", got "
                    + Integer.toHexString(actual));
        }
    }
}
