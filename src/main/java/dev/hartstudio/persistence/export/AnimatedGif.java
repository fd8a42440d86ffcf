package dev.hartstudio.persistence.export;

import dev.hartstudio.persistence.png.AtomicWrite;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * An endlessly looping animated GIF of frames (e.g. one per scale, then the diffusion steps), each
 * scaled by nearest neighbour to a square and labelled like the {@link ContactSheet} cells. Written
 * with ImageIO's GIF writer (a palette of up to 256 colours per frame, no dithering) and the
 * NETSCAPE2.0 application extension that makes viewers loop.
 */
public final class AnimatedGif {

    /** Shortest delay written; browsers show delays under 20 ms as 100 ms. */
    public static final int MIN_DELAY_MS = 20;

    private static final String FORMAT = "javax_imageio_gif_image_1.0";

    private AnimatedGif() {
    }

    /**
     * Saves the animation, atomically.
     *
     * @param size side of the square each frame is scaled to; a label strip of
     *     {@value ContactSheet#LABEL_HEIGHT} pixels is added below when any frame has a label
     * @param delayMs how long each frame shows (GIF stores hundredths of a second)
     * @param lastFrameDelayMs how long the last frame shows before the loop restarts
     */
    public static void write(Path file, List<Frame> frames, int size, int delayMs, int lastFrameDelayMs)
            throws IOException {
        Cells.checkFrames(frames, size);
        boolean labels = Cells.anyLabel(frames);
        int height = size + (labels ? Cells.LABEL_HEIGHT : 0);
        AtomicWrite.write(file, out -> {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
            try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
                writer.setOutput(stream);
                ImageWriteParam param = writer.getDefaultWriteParam();
                writer.prepareWriteSequence(null);
                for (int i = 0; i < frames.size(); i++) {
                    BufferedImage image = new BufferedImage(size, height, BufferedImage.TYPE_INT_RGB);
                    Graphics2D g = Cells.fill(image);
                    try {
                        Cells.draw(g, frames.get(i), 0, 0, size, labels);
                    } finally {
                        g.dispose();
                    }
                    boolean last = i == frames.size() - 1;
                    IIOMetadata metadata = metadata(writer, param, image, last ? lastFrameDelayMs : delayMs, i == 0);
                    writer.writeToSequence(new IIOImage(image, null, metadata), param);
                }
                writer.endWriteSequence();
            } finally {
                writer.dispose();
            }
        });
    }

    private static IIOMetadata metadata(ImageWriter writer, ImageWriteParam param, BufferedImage image, int delayMs,
            boolean first) throws IOException {
        IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
        IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(FORMAT);
        IIOMetadataNode control = child(root, "GraphicControlExtension");
        control.setAttribute("disposalMethod", "none");
        control.setAttribute("userInputFlag", "FALSE");
        control.setAttribute("transparentColorFlag", "FALSE");
        control.setAttribute("delayTime", Integer.toString(Math.round(Math.max(MIN_DELAY_MS, delayMs) / 10f)));
        control.setAttribute("transparentColorIndex", "0");
        if (first) {
            IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
            loop.setAttribute("applicationID", "NETSCAPE");
            loop.setAttribute("authenticationCode", "2.0");
            loop.setUserObject(new byte[] {1, 0, 0}); // sub-block 1: loop count 0 = forever
            child(root, "ApplicationExtensions").appendChild(loop);
        }
        metadata.setFromTree(FORMAT, root);
        return metadata;
    }

    private static IIOMetadataNode child(IIOMetadataNode parent, String name) {
        for (int i = 0; i < parent.getLength(); i++) {
            if (parent.item(i).getNodeName().equalsIgnoreCase(name)) {
                return (IIOMetadataNode) parent.item(i);
            }
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        parent.appendChild(node);
        return node;
    }
}
