import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Draws the HART Studio icon: HART's coarse-to-fine token maps (1x1, 2x2, 4x4 tiles) over a rounded
 * square, the finest scale resolving into a red circle, the studio's first prompt. Writes
 * hart-studio.png (256 px, Linux), hart-studio.ico (Windows) and hart-studio.icns (macOS), all
 * holding PNG images, into the folder given:
 *
 *   java installer/DrawIcon.java installer/icons
 */
public final class DrawIcon {

    private static final Color BACKGROUND = new Color(0x1f2430);
    private static final Color[] SCALES = {new Color(0x3b4a6b), new Color(0x4f6aa8), new Color(0x6f8fd8)};
    private static final Color CIRCLE = new Color(0xe5484d);

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java installer/DrawIcon.java OUT_DIR");
            System.exit(2);
        }
        Path out = Files.createDirectories(Path.of(args[0]));
        byte[] png256 = png(draw(256));
        Files.write(out.resolve("hart-studio.png"), png256);
        Files.write(out.resolve("hart-studio.ico"), ico(new int[] {16, 32, 48, 256}));
        Files.write(out.resolve("hart-studio.icns"), icns());
        System.out.println("wrote hart-studio.png, .ico and .icns to " + out);
    }

    static BufferedImage draw(int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        double s = size / 256.0;
        g.setColor(BACKGROUND);
        g.fill(new RoundRectangle2D.Double(8 * s, 8 * s, 240 * s, 240 * s, 56 * s, 56 * s));
        // Three scales side by side, coarse to fine, each a grid of tiles of one shade.
        double[] x = {24, 84, 148};
        double[] w = {48, 52, 84};
        int[] n = {1, 2, 4};
        for (int k = 0; k < 3; k++) {
            double tile = w[k] / n[k];
            double y0 = 128 - w[k] / 2;
            for (int i = 0; i < n[k]; i++) {
                for (int j = 0; j < n[k]; j++) {
                    g.setColor(SCALES[(i + j + k) % SCALES.length]);
                    g.fill(new java.awt.geom.Rectangle2D.Double((x[k] + j * tile + 1) * s, (y0 + i * tile + 1) * s,
                            (tile - 2) * s, (tile - 2) * s));
                }
            }
        }
        // The finest scale resolves a red circle.
        g.setColor(CIRCLE);
        g.fill(new java.awt.geom.Ellipse2D.Double(162 * s, 100 * s, 56 * s, 56 * s));
        g.dispose();
        return img;
    }

    static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(img, "png", b);
        return b.toByteArray();
    }

    /** An ICO whose entries are PNGs (Windows Vista and later). */
    static byte[] ico(int[] sizes) throws IOException {
        byte[][] images = new byte[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            images[i] = png(draw(sizes[i]));
        }
        ByteBuffer head = ByteBuffer.allocate(6 + 16 * sizes.length).order(ByteOrder.LITTLE_ENDIAN);
        head.putShort((short) 0).putShort((short) 1).putShort((short) sizes.length);
        int offset = 6 + 16 * sizes.length;
        for (int i = 0; i < sizes.length; i++) {
            int side = sizes[i] >= 256 ? 0 : sizes[i];   // 0 means 256
            head.put((byte) side).put((byte) side).put((byte) 0).put((byte) 0);
            head.putShort((short) 1).putShort((short) 32).putInt(images[i].length).putInt(offset);
            offset += images[i].length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(head.array());
        for (byte[] image : images) {
            out.write(image);
        }
        return out.toByteArray();
    }

    /** An ICNS with PNG entries: ic07 (128 px), ic08 (256 px), ic09 (512 px). */
    static byte[] icns() throws IOException {
        String[] types = {"ic07", "ic08", "ic09"};
        int[] sizes = {128, 256, 512};
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(body);
        for (int i = 0; i < types.length; i++) {
            byte[] image = png(draw(sizes[i]));
            d.writeBytes(types[i]);
            d.writeInt(8 + image.length);
            d.write(image);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream o = new DataOutputStream(out);
        o.writeBytes("icns");
        o.writeInt(8 + body.size());
        o.write(body.toByteArray());
        return out.toByteArray();
    }
}
