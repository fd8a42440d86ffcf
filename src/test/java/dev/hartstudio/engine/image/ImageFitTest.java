package dev.hartstudio.engine.image;

import static dev.hartstudio.engine.image.MetricsTest.grey;
import static dev.hartstudio.engine.image.MetricsTest.image;
import static dev.hartstudio.engine.image.MetricsTest.rgb;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.engine.generate.RgbImage;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageFitTest {

    @TempDir
    Path dir;

    // Resampling

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 16, 40})
    void resizingAConstantImageKeepsItConstant(int size) {
        RgbImage flat = image(9, 6, (x, y) -> rgb(200, 10, 77));
        RgbImage out = ImageFit.resize(flat, size, size);
        assertTrue(Arrays.stream(out.argb()).allMatch(p -> p == (0xFF000000 | rgb(200, 10, 77))));
    }

    @Test
    void halvingAveragesEachTwoByTwoBlock() {
        RgbImage in = image(4, 4, (x, y) -> grey(10 * x + 40 * y));
        RgbImage out = ImageFit.resize(in, 2, 2);
        // block (0,0): 0, 10, 40, 50 -> 25
        assertArrayEquals(new int[] {25, 45, 105, 125}, greys(out));
    }

    @Test
    void downscalingThreeToTwoWeighsPartlyCoveredPixels() {
        RgbImage in = image(3, 1, (x, y) -> grey(90 * x));
        // out0 covers [0, 1.5): (0 * 1 + 90 * 0.5) / 1.5 = 30; out1 covers [1.5, 3): (90 * 0.5 + 180) / 1.5 = 150
        assertArrayEquals(new int[] {30, 150}, greys(ImageFit.resize(in, 2, 1)));
    }

    @Test
    void bicubicUpscalingReproducesALinearRampInside() {
        RgbImage in = image(4, 1, (x, y) -> grey(20 * x + 10));
        int[] out = greys(ImageFit.resize(in, 8, 1));
        // output centres 2..5 sit at source positions 0.75, 1.25, 1.75, 2.25
        assertArrayEquals(new int[] {25, 35, 45, 55}, Arrays.copyOfRange(out, 2, 6));
    }

    @Test
    void bicubicOvershootIsClampedTo8Bits() {
        RgbImage edge = image(4, 1, (x, y) -> x < 2 ? grey(0) : grey(255));
        int[] out = greys(ImageFit.resize(edge, 16, 1));
        assertTrue(Arrays.stream(out).allMatch(v -> v >= 0 && v <= 255));
        assertEquals(0, out[0]);
        assertEquals(255, out[15]);
    }

    @Test
    void resizeToTheSameSizeReturnsAnEqualCopy() {
        RgbImage in = image(3, 2, (x, y) -> rgb(x, y, 9));
        RgbImage out = ImageFit.resize(in, 3, 2);
        assertArrayEquals(in.argb(), out.argb());
        assertTrue(in.argb() != out.argb());
    }

    // Fit modes

    @Test
    void centreCropKeepsTheMiddleSquare() {
        RgbImage wide = image(6, 4, (x, y) -> grey(x * 10));
        FittedImage fitted = ImageFit.fit(wide, 4, FitMode.CENTER_CROP);
        assertArrayEquals(new int[] {10, 20, 30, 40}, Arrays.copyOf(greys(fitted.image()), 4));
        assertEquals("6×4 image, centre-cropped to 4×4", fitted.description());
    }

    @Test
    void centreCropThenDownscaleIsDescribed() {
        RgbImage wide = image(1920, 1080, (x, y) -> grey(128));
        FittedImage fitted = ImageFit.fit(wide, 128, FitMode.CENTER_CROP);
        assertEquals(128, fitted.image().width());
        assertEquals("1920×1080 image, centre-cropped to 1080×1080, downscaled to 128×128", fitted.description());
    }

    @Test
    void stretchResizesEachAxisOnItsOwn() {
        RgbImage wide = image(4, 2, (x, y) -> grey(y == 0 ? 0 : 200));
        FittedImage fitted = ImageFit.fit(wide, 2, FitMode.STRETCH);
        assertArrayEquals(new int[] {0, 0, 200, 200}, greys(fitted.image()));
        assertEquals("4×2 image, stretched to 2×2", fitted.description());
    }

    @Test
    void padCentresTheImageOnWhite() {
        RgbImage wide = image(4, 2, (x, y) -> grey(0));
        FittedImage fitted = ImageFit.fit(wide, 4, FitMode.PAD);
        int[] g = greys(fitted.image());
        assertArrayEquals(new int[] {255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255}, g);
        assertEquals("4×2 image, padded with white to 4×4", fitted.description());
    }

    @Test
    void padScalesTheLongerSideToTheResolution() {
        RgbImage tall = image(50, 100, (x, y) -> grey(0));
        FittedImage fitted = ImageFit.fit(tall, 20, FitMode.PAD);
        assertEquals("50×100 image, downscaled to 10×20, padded with white to 20×20", fitted.description());
        int[] g = greys(fitted.image());
        assertEquals(255, g[4]);
        assertEquals(0, g[5]);
        assertEquals(0, g[14]);
        assertEquals(255, g[15]);
    }

    @ParameterizedTest
    @EnumSource(FitMode.class)
    void aSquareImageOfTheRightSizeIsUsedAsIs(FitMode mode) {
        RgbImage square = image(8, 8, (x, y) -> rgb(x, y, 3));
        FittedImage fitted = ImageFit.fit(square, 8, mode);
        assertArrayEquals(square.argb(), fitted.image().argb());
        assertEquals("8×8 image, used as is", fitted.description());
    }

    @ParameterizedTest
    @EnumSource(FitMode.class)
    void everyModeUpscalesASmallSquare(FitMode mode) {
        FittedImage fitted = ImageFit.fit(image(4, 4, (x, y) -> grey(9)), 16, mode);
        assertEquals(16, fitted.image().height());
        assertEquals("4×4 image, upscaled to 16×16", fitted.description());
    }

    @Test
    void planarMinus1To1IsChannelMajor() {
        RgbImage im = image(2, 1, (x, y) -> x == 0 ? rgb(0, 255, 51) : rgb(255, 0, 102));
        float[] chw = ImageFit.toPlanarMinus1To1(im);
        assertArrayEquals(new float[] {-1f, 1f, 1f, -1f, -0.6f, -0.2f}, chw, 1e-6f);
    }

    // Loading

    @ParameterizedTest
    @ValueSource(strings = {"png", "bmp", "gif"})
    void losslessFormatsLoadExactly(String format) throws Exception {
        RgbImage im = image(6, 6, (x, y) -> (x + y) % 2 == 0 ? rgb(255, 0, 0) : rgb(0, 0, 255));
        Path file = dir.resolve("a." + format);
        assertTrue(ImageIO.write(im.toBufferedImage(), format, file.toFile()));
        FittedImage fitted = ImageFit.load(file, 6, FitMode.CENTER_CROP);
        assertArrayEquals(im.argb(), fitted.image().argb());
        assertEquals("6×6 " + format.toUpperCase() + ", used as is", fitted.description());
    }

    @Test
    void jpegLoadsCloseToTheOriginal() throws Exception {
        RgbImage im = image(32, 16, (x, y) -> grey(100));
        Path file = dir.resolve("photo.jpg");
        ImageIO.write(im.toBufferedImage(), "jpeg", file.toFile());
        FittedImage fitted = ImageFit.load(file, 8, FitMode.CENTER_CROP);
        assertEquals("32×16 JPEG, centre-cropped to 16×16, downscaled to 8×8", fitted.description());
        for (int v : greys(fitted.image())) {
            assertEquals(100, v, 2);
        }
    }

    @Test
    void greyPngKeepsItsValuesInsteadOfTreatingThemAsLinear() throws Exception {
        BufferedImage g = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        g.getRaster().setSample(0, 0, 0, 128);
        g.getRaster().setSample(1, 0, 0, 30);
        Path file = dir.resolve("grey.png");
        ImageIO.write(g, "png", file.toFile());
        FittedImage fitted = ImageFit.load(file, 2, FitMode.STRETCH);
        assertArrayEquals(new int[] {0xFF808080, 0xFF1E1E1E, 0xFF808080, 0xFF1E1E1E}, fitted.image().argb());
        assertTrue(fitted.description().startsWith("2×1 greyscale PNG, "), fitted.description());
    }

    @Test
    void sixteenBitGreyWithAlphaIsScaledAndCompositedOnWhite() throws Exception {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(3, 1);
        raster.setPixel(0, 0, new int[] {65535, 65535});
        raster.setPixel(1, 0, new int[] {0, 0});
        raster.setPixel(2, 0, new int[] {0, 32896}); // black at alpha 128/255
        Path file = dir.resolve("grey16a.png");
        assertTrue(ImageIO.write(new BufferedImage(cm, raster, false, null), "png", file.toFile()));
        FittedImage fitted = ImageFit.load(file, 3, FitMode.PAD);
        assertArrayEquals(new int[] {255, 255, 127}, Arrays.copyOfRange(greys(fitted.image()), 3, 6));
        assertEquals("3×1 16-bit greyscale PNG, transparency composited on white, padded with white to 3×3",
                fitted.description());
    }

    @Test
    void sixteenBitRgbPngLoadsAsEightBit() throws Exception {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(1, 1);
        raster.setPixel(0, 0, new int[] {65535, 0, 257 * 51});
        Path file = dir.resolve("rgb16.png");
        assertTrue(ImageIO.write(new BufferedImage(cm, raster, false, null), "png", file.toFile()));
        FittedImage fitted = ImageFit.load(file, 1, FitMode.CENTER_CROP);
        assertEquals(0xFFFF0033, fitted.image().argb()[0]);
        assertEquals("1×1 16-bit PNG, used as is", fitted.description());
    }

    @Test
    void transparentRgbaPixelsBecomeWhite() throws Exception {
        BufferedImage rgba = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(0, 0, 0x00000000);
        rgba.setRGB(1, 0, 0x80FF0000);
        Path file = dir.resolve("alpha.png");
        ImageIO.write(rgba, "png", file.toFile());
        FittedImage fitted = ImageFit.load(file, 2, FitMode.PAD);
        assertEquals(0xFFFFFFFF, fitted.image().argb()[0]);
        assertEquals(0xFFFF7F7F, fitted.image().argb()[1]);
        assertTrue(fitted.description().contains("transparency composited on white"), fitted.description());
    }

    @Test
    void aTextFileIsNotAnImage() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.png"), "hello", StandardCharsets.UTF_8);
        ImageLoadException e = assertThrows(ImageLoadException.class, () -> ImageFit.load(file, 8, FitMode.PAD));
        assertEquals("notes.png is not an image ImageIO can read (unknown format).", e.getMessage());
    }

    @Test
    void aTruncatedPngNamesTheFile() throws Exception {
        byte[] png = encode(noise(64, 64), "png");
        Path file = Files.write(dir.resolve("photo.png"), Arrays.copyOf(png, png.length / 2));
        ImageLoadException e = assertThrows(ImageLoadException.class, () -> ImageFit.load(file, 8, FitMode.PAD));
        assertEquals("photo.png is not an image ImageIO can read (truncated or damaged PNG).", e.getMessage());
    }

    @Test
    void aTruncatedJpegIsRefusedRatherThanFilledWithGrey() throws Exception {
        byte[] jpeg = encode(noise(64, 64), "jpeg");
        Path file = Files.write(dir.resolve("photo.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
        ImageLoadException e = assertThrows(ImageLoadException.class, () -> ImageFit.load(file, 8, FitMode.PAD));
        assertTrue(e.getMessage().startsWith("photo.jpg is not an image ImageIO can read (truncated JPEG"),
                e.getMessage());
    }

    @Test
    void anEmptyFileAndAMissingFileAreNamed() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.png"));
        assertEquals("empty.png is empty (0 bytes), so it is not an image.",
                assertThrows(ImageLoadException.class, () -> ImageFit.load(empty, 8, FitMode.PAD)).getMessage());
        assertEquals("gone.png does not exist.", assertThrows(ImageLoadException.class,
                () -> ImageFit.load(dir.resolve("gone.png"), 8, FitMode.PAD)).getMessage());
    }

    private static RgbImage noise(int w, int h) {
        return image(w, h, (x, y) -> rgb((x * 37 + y * 11) & 0xFF, (x * y * 7) & 0xFF, (x ^ y) * 4 & 0xFF));
    }

    private static byte[] encode(RgbImage im, String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(im.toBufferedImage(), format, out);
        return out.toByteArray();
    }

    private static int[] greys(RgbImage im) {
        int[] g = new int[im.argb().length];
        for (int i = 0; i < g.length; i++) {
            int p = im.argb()[i];
            assertEquals((p >> 16) & 0xFF, p & 0xFF, "not grey");
            g[i] = p & 0xFF;
        }
        return g;
    }
}
