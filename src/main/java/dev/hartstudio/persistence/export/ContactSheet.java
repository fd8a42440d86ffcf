package dev.hartstudio.persistence.export;

import dev.hartstudio.persistence.png.AtomicWrite;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A grid of frames on white, each scaled by nearest neighbour into a square cell (pixels stay
 * sharp, which is what one wants to see of coarse scales) with its label underneath. Row-major,
 * {@value #GAP} pixels between cells and around the edge; the label strip is left out when no frame
 * has a label. Rendered with Java 2D into a {@link BufferedImage}, which needs no display.
 */
public final class ContactSheet {

    /** Space between cells and around the sheet, pixels. */
    public static final int GAP = 8;
    /** Height of the label strip under each cell, pixels. */
    public static final int LABEL_HEIGHT = Cells.LABEL_HEIGHT;

    private ContactSheet() {
    }

    /**
     * The sheet: {@code min(columns, n)} columns and {@code ceil(n / columns)} rows, so
     * {@code cols * cell + (cols + 1) * GAP} wide and {@code rows * (cell + LABEL_HEIGHT) + (rows + 1) * GAP}
     * high (without {@code LABEL_HEIGHT} when no frame has a label).
     */
    public static BufferedImage render(List<Frame> frames, int columns, int cellSize) {
        Cells.checkFrames(frames, cellSize);
        if (columns < 1) {
            throw new IllegalArgumentException("columns " + columns + " must be at least 1");
        }
        int cols = Math.min(columns, frames.size());
        int rows = (frames.size() + cols - 1) / cols;
        boolean labels = Cells.anyLabel(frames);
        int rowHeight = cellSize + (labels ? LABEL_HEIGHT : 0);
        BufferedImage sheet = new BufferedImage(cols * cellSize + (cols + 1) * GAP, rows * rowHeight + (rows + 1) * GAP,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Cells.fill(sheet);
        try {
            for (int i = 0; i < frames.size(); i++) {
                int x = GAP + (i % cols) * (cellSize + GAP);
                int y = GAP + (i / cols) * (rowHeight + GAP);
                Cells.draw(g, frames.get(i), x, y, cellSize, labels);
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }

    /** Renders the sheet and saves it as a PNG, atomically. */
    public static void write(Path file, List<Frame> frames, int columns, int cellSize) throws IOException {
        BufferedImage sheet = render(frames, columns, cellSize);
        AtomicWrite.write(file, out -> {
            if (!ImageIO.write(sheet, "png", out)) {
                throw new IOException("ImageIO has no PNG writer");
            }
        });
    }
}
