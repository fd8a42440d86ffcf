package dev.hartstudio.persistence.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.engine.generate.RgbImage;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Node;

class ExportTest {

    private static final int RED = 0xFFFF0000;
    private static final int BLUE = 0xFF0000FF;
    private static final int WHITE = 0xFFFFFFFF;

    @TempDir
    Path dir;

    /** A 2x2 frame: red, blue / blue, red. */
    private static RgbImage checker() {
        return new RgbImage(2, 2, new int[] {RED, BLUE, BLUE, RED});
    }

    private static List<Frame> frames(int n, boolean labelled) {
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            frames.add(new Frame(checker(), labelled ? "scale " + (i + 1) + "/" + n : null));
        }
        return frames;
    }

    @Test
    void contactSheetSizeFollowsColumnsRowsCellsAndLabels() {
        BufferedImage sheet = ContactSheet.render(frames(5, true), 3, 64);
        assertEquals(3 * 64 + 4 * ContactSheet.GAP, sheet.getWidth());
        assertEquals(2 * (64 + ContactSheet.LABEL_HEIGHT) + 3 * ContactSheet.GAP, sheet.getHeight());
    }

    @Test
    void contactSheetWithoutLabelsHasNoLabelStrip() {
        BufferedImage sheet = ContactSheet.render(frames(5, false), 3, 64);
        assertEquals(2 * 64 + 3 * ContactSheet.GAP, sheet.getHeight());
    }

    @Test
    void fewerFramesThanColumnsMakeOneNarrowRow() {
        BufferedImage sheet = ContactSheet.render(frames(2, false), 8, 10);
        assertEquals(2 * 10 + 3 * ContactSheet.GAP, sheet.getWidth());
        assertEquals(10 + 2 * ContactSheet.GAP, sheet.getHeight());
    }

    @Test
    void cellsAreNearestNeighbourUpscaled() {
        BufferedImage sheet = ContactSheet.render(frames(1, false), 1, 64);
        int g = ContactSheet.GAP;
        assertEquals(RED, sheet.getRGB(g, g));
        assertEquals(RED, sheet.getRGB(g + 31, g + 31));
        assertEquals(BLUE, sheet.getRGB(g + 32, g));
        assertEquals(BLUE, sheet.getRGB(g + 31, g + 32));
        assertEquals(RED, sheet.getRGB(g + 63, g + 63));
        assertEquals(WHITE, sheet.getRGB(g - 1, g - 1));
    }

    @Test
    void aWideFrameIsCentredInItsCell() {
        RgbImage wide = new RgbImage(2, 1, new int[] {RED, BLUE});
        BufferedImage sheet = ContactSheet.render(List.of(new Frame(wide, "")), 1, 20);
        int g = ContactSheet.GAP;
        assertEquals(WHITE, sheet.getRGB(g, g + 4));
        assertEquals(RED, sheet.getRGB(g, g + 5));
        assertEquals(BLUE, sheet.getRGB(g + 19, g + 14));
        assertEquals(WHITE, sheet.getRGB(g, g + 15));
    }

    @Test
    void labelsAreDrawnUnderTheirCell() {
        List<Frame> frames = List.of(new Frame(checker(), "scale 1"), new Frame(checker(), ""));
        BufferedImage sheet = ContactSheet.render(frames, 2, 64);
        int top = ContactSheet.GAP + 64;
        assertTrue(hasInk(sheet, ContactSheet.GAP, top, 64, ContactSheet.LABEL_HEIGHT), "first label drawn");
        assertFalse(hasInk(sheet, 2 * ContactSheet.GAP + 64, top, 64, ContactSheet.LABEL_HEIGHT), "empty label");
    }

    @Test
    void aLongLabelStaysInsideItsCell() {
        String label = "a very long label that is much wider than the cell it belongs to";
        BufferedImage sheet = ContactSheet.render(List.of(new Frame(checker(), label), new Frame(checker(), "")), 2, 48);
        int top = ContactSheet.GAP + 48;
        assertFalse(hasInk(sheet, 0, top, ContactSheet.GAP, ContactSheet.LABEL_HEIGHT));
        assertFalse(hasInk(sheet, ContactSheet.GAP + 48, top, ContactSheet.GAP + 48, ContactSheet.LABEL_HEIGHT));
    }

    @Test
    void contactSheetIsWrittenAsAPng() throws Exception {
        Path file = dir.resolve("sheet.png");
        ContactSheet.write(file, frames(4, true), 2, 32);
        BufferedImage read = ImageIO.read(file.toFile());
        assertEquals(2 * 32 + 3 * ContactSheet.GAP, read.getWidth());
        assertEquals(2 * (32 + ContactSheet.LABEL_HEIGHT) + 3 * ContactSheet.GAP, read.getHeight());
    }

    @Test
    void noFramesIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ContactSheet.render(List.of(), 2, 32));
        assertThrows(IllegalArgumentException.class,
                () -> AnimatedGif.write(dir.resolve("a.gif"), List.of(), 32, 100, 1000));
    }

    @Test
    void gifHasOneImagePerFrame() throws Exception {
        Path file = dir.resolve("a.gif");
        AnimatedGif.write(file, frames(6, true), 48, 100, 1500);
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            reader.setInput(in);
            assertEquals(6, reader.getNumImages(true));
            assertEquals(48, reader.getWidth(0));
            assertEquals(48 + ContactSheet.LABEL_HEIGHT, reader.getHeight(0));
            reader.dispose();
        }
    }

    @Test
    void gifDelaysAreInHundredthsAndTheLastFrameIsHeldLonger() throws Exception {
        Path file = dir.resolve("a.gif");
        AnimatedGif.write(file, frames(3, false), 16, 120, 2000);
        List<String> delays = new ArrayList<>();
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            reader.setInput(in);
            for (int i = 0; i < reader.getNumImages(true); i++) {
                IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(i).getAsTree("javax_imageio_gif_image_1.0");
                delays.add(((IIOMetadataNode) find(root, "GraphicControlExtension")).getAttribute("delayTime"));
            }
            reader.dispose();
        }
        assertEquals(List.of("12", "12", "200"), delays);
    }

    @Test
    void gifLoopsForever() throws Exception {
        Path file = dir.resolve("a.gif");
        AnimatedGif.write(file, frames(2, false), 16, 100, 100);
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            reader.setInput(in);
            IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_gif_image_1.0");
            IIOMetadataNode app = (IIOMetadataNode) find(root, "ApplicationExtension");
            assertEquals("NETSCAPE", app.getAttribute("applicationID"));
            assertEquals("2.0", app.getAttribute("authenticationCode"));
            assertArrayEquals(new byte[] {1, 0, 0}, (byte[]) app.getUserObject());
            reader.dispose();
        }
    }

    @Test
    void gifFramesKeepTheirColours() throws Exception {
        Path file = dir.resolve("a.gif");
        AnimatedGif.write(file, frames(2, false), 16, 100, 100);
        BufferedImage first = ImageIO.read(file.toFile());
        assertEquals(RED, first.getRGB(0, 0));
        assertEquals(BLUE, first.getRGB(15, 0));
    }

    private static Node find(Node node, String name) {
        if (node.getNodeName().equals(name)) {
            return node;
        }
        for (Node child = node.getFirstChild(); child != null; child = child.getNextSibling()) {
            Node found = find(child, name);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static boolean hasInk(BufferedImage image, int x0, int y0, int w, int h) {
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                if (image.getRGB(x, y) != WHITE) {
                    return true;
                }
            }
        }
        return false;
    }
}
